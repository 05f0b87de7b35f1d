package io.punctual.embedded.kafka;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The on-disk layout of the single combined node and its one-time formatting, the equivalent of
 * {@code kafka-storage.sh format --ignore-formatted} with a static controller quorum.
 */
final class KafkaStorage {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaStorage.class);

    /** Same name Kafka's own quick-start uses; a sub-directory so the data directory can hold other things. */
    static final String LOG_DIR_NAME = "kraft-combined-logs";

    private final Path logDir;

    KafkaStorage(Path dataDirectory) {
        this.logDir = dataDirectory.resolve(LOG_DIR_NAME).toAbsolutePath();
    }

    Path logDir() {
        return logDir;
    }

    /**
     * Formats the log directory unless it already is, and returns the cluster id stored in it.
     * A formatted directory is never touched: that is what makes topics and records survive a restart.
     */
    String formatIfNeeded(int nodeId, String controllerListenerName) throws Exception {
        Files.createDirectories(logDir);
        MetaPropertiesEnsemble ensemble = load();
        if (!ensemble.errorLogDirs().isEmpty()) {
            throw new IOException("Kafka log directory " + logDir + " cannot be read");
        }
        if (ensemble.clusterId().isPresent()) {
            LOG.debug("Kafka log directory {} already formatted for cluster {}", logDir, ensemble.clusterId().get());
            return ensemble.clusterId().get();
        }
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
        new Formatter()
            .setPrintStream(new PrintStream(formatterOutput, true, StandardCharsets.UTF_8))
            .setNodeId(nodeId)
            .setClusterId(clusterId)
            .setDirectories(List.of(logDir.toString()))
            .setMetadataLogDirectory(logDir.toString())
            .setControllerListenerName(controllerListenerName)
            .setReleaseVersion(MetadataVersion.latestProduction())
            // Share groups are not used by Punctual; keeping the feature off spares the share coordinator.
            .setFeatureLevel(Feature.SHARE_VERSION.featureName(), (short) 0)
            // Transactions v1 (KIP-890's v2 off): with v2, a broker that restarted refuses the running planner's next
            // transaction with OutOfOrderSequenceException ("Expected sequence 0 for transactions v2 idempotent
            // producer with no existing state", the check of KAFKA-18202) and the transaction can stay in
            // PrepareCommit, wedging read_committed readers (BrokerOutageDrillTest). Cost: the v1 protocol's extra
            // AddPartitionsToTxn round trip per transaction and partition, and none of v2's epoch-per-transaction
            // guard against a late write from an aborted transaction.
            .setFeatureLevel(Feature.TRANSACTION_VERSION.featureName(), (short) 1)
            .run();
        LOG.info("Formatted Kafka log directory {} for new cluster {}", logDir, clusterId);
        LOG.debug("Formatter output: {}", formatterOutput.toString(StandardCharsets.UTF_8).trim());
        return clusterId;
    }

    private MetaPropertiesEnsemble load() throws IOException {
        return new MetaPropertiesEnsemble.Loader()
            .addLogDirs(List.of(logDir.toString()))
            .addMetadataLogDir(logDir.toString())
            .load();
    }
}
