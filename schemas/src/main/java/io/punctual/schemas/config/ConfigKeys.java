package io.punctual.schemas.config;

/**
 * Every configuration key Punctual reads, named once. Each is a Micronaut property, so an
 * environment variable of the upper-cased, underscored name overrides it
 * (for example {@code KAFKA_BOOTSTRAP_SERVERS} for {@link #KAFKA_BOOTSTRAP_SERVERS}).
 */
public final class ConfigKeys {
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

    public static final String TOPIC_PARTITIONS = "punctual.topics.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "punctual.topics.replication-factor";

    public static final String LETTA_BASE_URL = "punctual.letta.base-url";
    /** Path of the Tink keysets file (see {@code KeyMaterial}). */
    public static final String KEYSET_PATH = "punctual.keyset.path";
    /** The keysets file's JSON itself, for deployments that pass secrets as environment variables. */
    public static final String KEYSET_JSON = "punctual.keyset.json";

    public static final String PLANNER_ENABLED = "punctual.planner.enabled";
    public static final String PLANNER_APPLICATION_ID = "punctual.planner.application-id";
    public static final String PLANNER_STATE_DIR = "punctual.planner.state-dir";
    public static final String PLANNER_PUNCTUATE_INTERVAL = "punctual.planner.punctuate-interval";
    public static final String PLANNER_MAX_FIRES_PER_PUNCTUATION = "punctual.planner.max-fires-per-punctuation";
    public static final String PLANNER_STREAM_THREADS = "punctual.planner.stream-threads";
    public static final String PLANNER_COMMIT_INTERVAL = "punctual.planner.commit-interval";

    public static final String EXECUTOR_ENABLED = "punctual.executor.enabled";
    public static final String EXECUTOR_GROUP_ID = "punctual.executor.group-id";
    public static final String EXECUTOR_INSTANCE_ID = "punctual.executor.instance-id";
    public static final String EXECUTOR_MAX_IN_FLIGHT = "punctual.executor.max-in-flight";
    public static final String EXECUTOR_REQUEST_TIMEOUT = "punctual.executor.request-timeout";

    public static final String GATEWAY_ENABLED = "punctual.gateway.enabled";
    public static final String GATEWAY_COMMAND_TIMEOUT = "punctual.gateway.command-timeout";

    private ConfigKeys() {
    }
}
