package io.punctual.testkit;

import io.punctual.embedded.registry.EmbeddedSchemaRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Kafka cluster and one schema registry shared by every test in the JVM, started on first use and stopped
 * by a shutdown hook. Where the cluster comes from:
 * <ol>
 *   <li>env {@value #BOOTSTRAP_SERVERS_ENV} set: that cluster, with the registry at {@value #SCHEMA_REGISTRY_URL_ENV}
 *       if set, otherwise an embedded registry against it;</li>
 *   <li>system property {@value #MODE_PROPERTY}={@value #MODE_TESTCONTAINERS}: Kafka in a container
 *       ({@value TestcontainersKafkaBackend#IMAGE}) plus the embedded registry;</li>
 *   <li>otherwise (CI): the embedded KRaft broker on a temporary directory plus the embedded registry.</li>
 * </ol>
 * Tests share the cluster, so they isolate themselves with {@link #uniqueName(String)} for topics, groups and
 * transactional ids.
 */
public final class KafkaFixture {

    static final String BOOTSTRAP_SERVERS_ENV = "KAFKA_BOOTSTRAP_SERVERS";
    static final String SCHEMA_REGISTRY_URL_ENV = "SCHEMA_REGISTRY_URL";
    static final String MODE_PROPERTY = "punctual.test.kafka";
    static final String MODE_TESTCONTAINERS = "testcontainers";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaFixture.class);
    private static final AtomicLong NAME_COUNTER = new AtomicLong();
    private static KafkaFixture shared;

    /** Which kind of cluster the fixture runs on. */
    public enum Kind { EMBEDDED, TESTCONTAINERS, EXTERNAL }

    private final KafkaBackend backend;
    private final EmbeddedSchemaRegistry registry;
    private final String schemaRegistryUrl;
    private final Admin admin;
    private final Admin sharedAdmin;

    private KafkaFixture(KafkaBackend backend, EmbeddedSchemaRegistry registry, String schemaRegistryUrl) {
        this.backend = backend;
        this.registry = registry;
        this.schemaRegistryUrl = schemaRegistryUrl;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, backend.bootstrapServers()));
        this.sharedAdmin = unclosable(admin);
    }

    /** The fixture of this JVM, started on first call. */
    public static synchronized KafkaFixture shared() {
        if (shared == null) {
            shared = start(System.getenv(BOOTSTRAP_SERVERS_ENV), System.getenv(SCHEMA_REGISTRY_URL_ENV),
                System.getProperty(MODE_PROPERTY));
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "kafka-fixture-shutdown"));
        }
        return shared;
    }

    /**
     * An embedded broker and registry of their own, for a test whose topics no other part of the JVM may read (a
     * planner with settings of its own). The caller closes it.
     */
    public static KafkaFixture isolated() {
        return isolated(Map.of());
    }

    /**
     * An {@link #isolated()} fixture whose broker runs with these properties over the single-node defaults (an
     * authorizer, for a test of what a denied write does). The caller closes it.
     */
    public static KafkaFixture isolated(Map<String, ?> brokerProperties) {
        return start(null, null, null, brokerProperties);
    }

    /** Stops an {@link #isolated()} fixture. */
    public void close() {
        stop();
    }

    static KafkaFixture start(String externalBootstrap, String externalRegistryUrl, String mode) {
        return start(externalBootstrap, externalRegistryUrl, mode, Map.of());
    }

    private static KafkaFixture start(String externalBootstrap, String externalRegistryUrl, String mode, Map<String, ?> brokerProperties) {
        long startedAt = System.nanoTime();
        KafkaBackend backend;
        if (externalBootstrap != null && !externalBootstrap.isBlank()) {
            backend = new ExternalKafkaBackend(externalBootstrap.trim());
        } else if (MODE_TESTCONTAINERS.equalsIgnoreCase(mode)) {
            backend = TestcontainersKafkaBackend.start();
        } else {
            backend = new EmbeddedKafkaBackend(brokerProperties);
        }
        EmbeddedSchemaRegistry registry = null;
        String registryUrl;
        try {
            if (backend.kind() == Kind.EXTERNAL && externalRegistryUrl != null && !externalRegistryUrl.isBlank()) {
                registryUrl = externalRegistryUrl.trim();
            } else {
                registry = EmbeddedSchemaRegistry.builder(backend.bootstrapServers()).build().start();
                registryUrl = registry.url();
            }
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        LOG.info("Kafka fixture ({}) at {} with schema registry {} ready in {} ms", backend.kind(),
            backend.bootstrapServers(), registryUrl, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
        return new KafkaFixture(backend, registry, registryUrl);
    }

    Kind kind() {
        return backend.kind();
    }

    public String bootstrapServers() {
        return backend.bootstrapServers();
    }

    public String schemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    /** A shared admin client; closing it does nothing, it lives as long as the fixture. */
    public Admin admin() {
        return sharedAdmin;
    }

    /**
     * Producer settings for this cluster: acks=all, idempotent, String key and value serializers (override them
     * freely; the map is a fresh mutable copy).
     */
    public Map<String, Object> producerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return props;
    }

    /**
     * Consumer settings for this cluster: the given group, read_committed, from the earliest offset, no auto
     * commit, String key and value deserializers (a fresh mutable map).
     */
    public Map<String, Object> consumerProps(String groupId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return props;
    }

    /** A name no other test in this JVM (or an earlier run on an external cluster) uses: {@code prefix-N-random}. */
    public String uniqueName(String prefix) {
        return prefix + "-" + NAME_COUNTER.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates topics (replication factor: the cluster default) and waits for them; existing ones are kept. */
    void createTopics(NewTopic... topics) {
        try {
            admin.createTopics(Arrays.asList(topics)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Could not create topics " + Arrays.toString(topics), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out creating topics " + Arrays.toString(topics), e);
        }
        awaitVisible(Arrays.stream(topics).map(NewTopic::name).toList());
    }

    /**
     * Waits until the broker's metadata lists the topics: the controller acknowledges a creation before the broker
     * has applied it, and a test that listed its new topic at once found it missing now and then.
     */
    private void awaitVisible(List<String> names) {
        Awaitility.await("topics " + names + " listed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .until(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS).containsAll(names));
    }

    /** Creates a topic with the given partition count and the cluster's default replication factor. */
    public String createTopic(String name, int partitions) {
        createTopics(new NewTopic(name, Optional.of(partitions), Optional.empty()));
        return name;
    }

    /** Stops what this fixture started; the shared one is stopped by its shutdown hook. */
    void stop() {
        admin.close();
        if (registry != null) {
            registry.close();
        }
        backend.close();
    }

    /** Hands out the admin client without letting a test's try-with-resources close it for everyone. */
    private static Admin unclosable(Admin admin) {
        return (Admin) Proxy.newProxyInstance(KafkaFixture.class.getClassLoader(), new Class<?>[] {Admin.class},
            (proxy, method, args) -> {
                if (method.getName().equals("close")) {
                    return null;
                }
                try {
                    return method.invoke(admin, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }
}
