package io.punctual.standalone;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.EnvironmentPropertySource;
import io.micronaut.context.env.PropertySource;
import io.micronaut.runtime.server.EmbeddedServer;
import io.punctual.embedded.kafka.EmbeddedKafka;
import io.punctual.embedded.registry.EmbeddedSchemaRegistry;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.KeyMaterial;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Punctual in one JVM: the embedded broker and registry, then one Micronaut context with the planner, the
 * executor and the gateway. Stops in the reverse order, so no service outlives the broker it talks to.
 */
public final class Standalone implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Standalone.class);
    /**
     * Partitions of the topics a new standalone creates, unless {@code punctual.topics.partitions} is set: two tasks
     * for each of the planner's two stream threads, against the services' six. Every transaction writes a marker to
     * each partition it touched and adds each anew, and at a steady 1,000 fires/s the planner commits after every
     * scan (25 ms) and the executor once per batch: with six partitions the broker's handlers took 556 µs of CPU per
     * fire and the machine was 81 % busy, with four 476 µs and 68 % (twenty-sixth session, README). One JVM gains
     * nothing from more: its parallelism is its two stream threads and one executor loop.
     */
    static final int DEFAULT_PARTITIONS = 4;
    static final String KEYSET_FILE = "keyset.json";

    private final StandaloneConfig config;
    private EmbeddedKafka kafka;
    private EmbeddedSchemaRegistry registry;
    private ApplicationContext context;
    private EmbeddedServer server;

    private Standalone(StandaloneConfig config) {
        this.config = config;
    }

    public static Standalone start(StandaloneConfig config) {
        Standalone standalone = new Standalone(config);
        try {
            standalone.startAll();
            return standalone;
        } catch (RuntimeException | Error e) {
            standalone.close();
            throw e;
        }
    }

    private void startAll() {
        Path data = config.dataDir().toAbsolutePath().normalize();
        try {
            Files.createDirectories(data);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create the data directory " + data, e);
        }
        kafka = EmbeddedKafka.builder().dataDirectory(data.resolve("kafka")).port(config.kafkaPort()).build().start();
        registry = EmbeddedSchemaRegistry.builder(kafka.bootstrapServers()).port(config.registryPort()).build().start();
        Path keyset = data.resolve(KEYSET_FILE);
        KeyMaterial.readOrCreate(keyset);

        Map<String, Object> props = new HashMap<>();
        props.put(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        props.put(ConfigKeys.SCHEMA_REGISTRY_URL, registry.url());
        props.put(ConfigKeys.KEYSET_PATH, keyset.toString());
        props.put(ConfigKeys.LETTA_BASE_URL, config.lettaBaseUrl());
        props.put(ConfigKeys.PLANNER_STATE_DIR, data.resolve("planner").toString());
        props.put(ConfigKeys.GATEWAY_STATE_DIR, data.resolve("gateway").toString());
        // A single broker holds one copy of everything.
        props.put(ConfigKeys.TOPIC_REPLICATION_FACTOR, 1);
        // Micronaut takes -1 as "any free port".
        props.put("micronaut.server.port", config.httpPort() == 0 ? -1 : config.httpPort());
        props.putAll(config.extra());
        // The standalone's own defaults sit below the environment and system properties (Micronaut's sources
        // of order -200 and -100), so PUNCTUAL_TOPICS_PARTITIONS and the property still choose; topics that exist
        // keep their count.
        PropertySource defaults = PropertySource.of("standalone-defaults", Map.of(ConfigKeys.TOPIC_PARTITIONS, DEFAULT_PARTITIONS),
                EnvironmentPropertySource.POSITION - 100);
        context = ApplicationContext.builder().deduceEnvironment(false).propertySources(defaults).properties(props).start();
        server = context.getBean(EmbeddedServer.class);
        server.start();
        LOG.info("Punctual is up. REST API http://localhost:{} | Kafka {} | schema registry {} | data {}",
                server.getPort(), kafka.bootstrapServers(), registry.url(), data);
    }

    int httpPort() {
        return server.getPort();
    }

    public String baseUrl() {
        return "http://localhost:" + server.getPort();
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String schemaRegistryUrl() {
        return registry.url();
    }

    ApplicationContext context() {
        return context;
    }

    @Override
    public synchronized void close() {
        if (server != null && server.isRunning()) {
            server.stop();
        }
        if (context != null && context.isRunning()) {
            context.stop();
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        server = null;
        context = null;
        registry = null;
        kafka = null;
    }
}
