package io.punctual.embedded.kafka;

import kafka.server.KafkaConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Apache Kafka's own broker running inside this JVM in KRaft mode as a single combined node
 * ({@code process.roles=broker,controller}).
 *
 * <p>Storage is formatted only the first time a data directory is used; starting again on the same directory
 * finds every topic, record, committed offset and transaction state where it was left. With no data directory
 * a temporary one is created and deleted on {@link #close()}.
 *
 * <p>Logging: the broker logs under {@code kafka}, {@code state.change.logger} and {@code org.apache.kafka}.
 * Unless the application sets a level for those loggers itself, they are turned down to WARN on start
 * (Logback only; see {@link Builder#quietBrokerLogs(boolean)}).
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDirectory(dir).port(9092).build()) {
 *     kafka.start();
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>About 300 lines because it holds the broker's whole start, readiness and shutdown sequence together with its
 * {@link Builder}, half of which is documented one-line setters.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final int NODE_ID = 1;
    public static final String DEFAULT_HOST = "localhost";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path requestedDataDirectory;
    private final int requestedPort;
    private final String listenerHost;
    private final String advertisedHost;
    private final Map<String, String> extraProperties;
    private final boolean quietBrokerLogs;

    private Path dataDirectory;
    private boolean temporaryDataDirectory;
    private PreboundSockets sockets;
    private CombinedNode node;
    private int port = -1;
    private String clusterId;

    /**
     * @param dataDirectory   where the broker keeps its data; {@code null} for a temporary directory deleted on close
     * @param port            broker listener port, 0 for an ephemeral one
     * @param extraProperties broker properties applied last, overriding the defaults of this class
     */
    public EmbeddedKafka(Path dataDirectory, int port, Map<String, ?> extraProperties) {
        this(builder().dataDirectory(dataDirectory).port(port).brokerProperties(extraProperties));
    }

    private EmbeddedKafka(Builder builder) {
        this.requestedDataDirectory = builder.dataDirectory;
        this.requestedPort = builder.port;
        this.listenerHost = builder.listenerHost;
        this.advertisedHost = builder.advertisedHost;
        this.extraProperties = Map.copyOf(builder.extraProperties);
        this.quietBrokerLogs = builder.quietBrokerLogs;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the storage if it is new, starts the node and returns once a client can use the broker.
     *
     * @throws IllegalStateException if already started or closed
     */
    public synchronized EmbeddedKafka start() {
        if (node != null) {
            throw new IllegalStateException("Embedded Kafka already started");
        }
        if (quietBrokerLogs) {
            BrokerLogLevels.quietUnlessConfigured();
        }
        long startedAt = System.nanoTime();
        try {
            resolveDataDirectory();
            KafkaStorage storage = new KafkaStorage(dataDirectory);
            clusterId = storage.formatIfNeeded(NODE_ID, CONTROLLER_LISTENER);
            sockets = new PreboundSockets();
            port = sockets.bind(BROKER_LISTENER, listenerHost, requestedPort);
            int controllerPort = sockets.bind(CONTROLLER_LISTENER, DEFAULT_HOST, 0);
            KafkaConfig config = new KafkaConfig(brokerProperties(storage.logDir(), controllerPort), false);
            node = new CombinedNode(config, sockets);
            node.startup();
            awaitReady();
        } catch (Exception | Error e) {
            LOG.error("Embedded Kafka failed to start in {}", dataDirectory, e);
            close();
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("Embedded Kafka failed to start", e);
        }
        LOG.info("Embedded Kafka ready at {} (cluster {}, data {}) in {} ms", bootstrapServers(), clusterId,
            dataDirectory, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
        return this;
    }

    /** {@code host:port} of the broker listener, for {@code bootstrap.servers}. */
    public synchronized String bootstrapServers() {
        requireStarted();
        return advertisedHost + ":" + port;
    }

    /** The bound broker port (the real one when 0 was asked for). */
    synchronized int port() {
        requireStarted();
        return port;
    }

    /** The cluster id kept in the data directory; the same across restarts on that directory. */
    synchronized String clusterId() {
        requireStarted();
        return clusterId;
    }

    /** The data directory in use (the temporary one if none was given). */
    synchronized Path dataDirectory() {
        requireStarted();
        return dataDirectory;
    }

    /** Shuts the broker down cleanly (controlled shutdown, logs flushed). Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (node != null) {
            long stoppingAt = System.nanoTime();
            try {
                node.shutdown();
            } catch (RuntimeException e) {
                LOG.warn("Embedded Kafka did not shut down cleanly", e);
            }
            LOG.info("Embedded Kafka stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppingAt));
            node = null;
        }
        if (sockets != null) {
            sockets.close();
            sockets = null;
        }
        if (temporaryDataDirectory && dataDirectory != null) {
            try {
                Utils.delete(dataDirectory.toFile());
            } catch (IOException e) {
                LOG.warn("Could not delete temporary Kafka directory {}", dataDirectory, e);
            }
            dataDirectory = null;
        }
    }

    private void resolveDataDirectory() throws IOException {
        if (dataDirectory != null) {
            return;
        }
        if (requestedDataDirectory == null) {
            dataDirectory = Files.createTempDirectory("punctual-kafka-");
            temporaryDataDirectory = true;
        } else {
            dataDirectory = Files.createDirectories(requestedDataDirectory).toAbsolutePath();
        }
    }

    private Map<String, Object> brokerProperties(Path logDir, int controllerPort) {
        Map<String, Object> props = new LinkedHashMap<>(SingleNodeDefaults.PROPERTIES);
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("listeners", BROKER_LISTENER + "://" + listenerHost + ":" + port + ","
            + CONTROLLER_LISTENER + "://" + DEFAULT_HOST + ":" + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://" + advertisedHost + ":" + port);
        // A static voter set: the controller port may change from one start to the next without
        // invalidating the metadata log, which a dynamic (KIP-853) quorum would record.
        props.put("controller.quorum.voters", NODE_ID + "@" + DEFAULT_HOST + ":" + controllerPort);
        props.put("log.dirs", logDir.toString());
        props.put("metadata.log.dir", logDir.toString());
        props.putAll(extraProperties);
        return props;
    }

    private void awaitReady() throws InterruptedException {
        Map<String, Object> adminProps = new HashMap<>();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, DEFAULT_HOST.equals(advertisedHost)
            ? bootstrapServers() : DEFAULT_HOST + ":" + port);
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(adminProps)) {
            while (true) {
                try {
                    Collection<Node> nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    if (nodes.stream().anyMatch(n -> n.id() == NODE_ID)) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("Broker not ready yet", e);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Embedded Kafka not ready after " + READY_TIMEOUT);
                }
                Thread.sleep(50);
            }
        }
    }

    private void requireStarted() {
        if (node == null) {
            throw new IllegalStateException("Embedded Kafka is not running");
        }
    }

    /** Settings of an {@link EmbeddedKafka}; every one is optional. */
    public static final class Builder {
        private Path dataDirectory;
        private int port;
        private String listenerHost = DEFAULT_HOST;
        private String advertisedHost = DEFAULT_HOST;
        private final Map<String, String> extraProperties = new LinkedHashMap<>();
        private boolean quietBrokerLogs = true;

        private Builder() {
        }

        /** Persistent data directory; {@code null} (the default) for a temporary one deleted on close. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /** Broker listener port; 0 (the default) for an ephemeral port. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("Invalid port " + port);
            }
            this.port = port;
            return this;
        }

        /** Interface the broker listener binds to; {@code localhost} by default, {@code 0.0.0.0} for all. */
        public Builder listenerHost(String listenerHost) {
            this.listenerHost = Objects.requireNonNull(listenerHost);
            return this;
        }

        /** Host name handed to clients in metadata; {@code localhost} by default. */
        public Builder advertisedHost(String advertisedHost) {
            this.advertisedHost = Objects.requireNonNull(advertisedHost);
            return this;
        }

        /** A broker property applied last, overriding the single-node defaults. */
        public Builder brokerProperty(String name, Object value) {
            extraProperties.put(Objects.requireNonNull(name), String.valueOf(value));
            return this;
        }

        public Builder brokerProperties(Map<String, ?> properties) {
            if (properties != null) {
                properties.forEach(this::brokerProperty);
            }
            return this;
        }

        /** Whether to turn unconfigured broker loggers down to WARN (default true). */
        public Builder quietBrokerLogs(boolean quietBrokerLogs) {
            this.quietBrokerLogs = quietBrokerLogs;
            return this;
        }

        public EmbeddedKafka build() {
            return new EmbeddedKafka(this);
        }
    }
}
