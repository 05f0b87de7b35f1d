package io.punctual.embedded.kafka;

import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.Server;
import kafka.server.SharedServer;
import kafka.server.StandardFaultHandlerFactory;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.raft.QuorumConfig;
import org.apache.kafka.server.ServerSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

import java.util.concurrent.CompletableFuture;

/**
 * One KRaft process with both roles, assembled the way {@link KafkaRaftServer} assembles it.
 *
 * <p>We do not use {@code KafkaRaftServer} itself only because it neither accepts a socket factory (needed for
 * pre-bound ephemeral ports) nor exposes its broker. Fatal faults keep Kafka's standard behaviour
 * (the process halts), exactly as a stand-alone broker would.
 */
final class CombinedNode {

    private static final Logger LOG = LoggerFactory.getLogger(CombinedNode.class);

    private final SharedServer shared;
    private final ControllerServer controller;
    private final BrokerServer broker;

    CombinedNode(KafkaConfig config, ServerSocketFactory socketFactory) {
        // Before anything of the node registers its own (see UniformRequestHistograms).
        UniformRequestHistograms.register();
        Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> dirs =
            KafkaRaftServer.initializeLogDirs(config, LOG, "[EmbeddedKafka] ");
        MetaPropertiesEnsemble metaProperties = dirs._1();
        Metrics metrics = Server.initializeMetrics(config, Time.SYSTEM, metaProperties.clusterId().get());
        this.shared = new SharedServer(
            config,
            metaProperties,
            Time.SYSTEM,
            metrics,
            CompletableFuture.completedFuture(QuorumConfig.parseVoterConnections(config.quorumConfig().voters())),
            QuorumConfig.parseBootstrapServers(config.quorumConfig().bootstrapServers()),
            new StandardFaultHandlerFactory(),
            socketFactory);
        this.controller = new ControllerServer(shared, KafkaRaftServer.configSchema(), dirs._2());
        this.broker = new BrokerServer(shared);
    }

    /** Same order as KafkaRaftServer: the broker registers with the controller, so the controller goes first. */
    void startup() {
        controller.startup();
        broker.startup();
    }

    void shutdown() {
        broker.shutdown();
        controller.shutdown();
        broker.awaitShutdown();
        controller.awaitShutdown();
    }
}
