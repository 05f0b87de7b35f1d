package io.punctual.kernel.config;

/**
 * The names of the configuration keys code refers to by name (annotations such as {@code @Requires}, tests,
 * benchmarks, messages). Every key and its default is defined in its service's configuration type
 * ({@link SharedConfig}, {@link SchemaRegistryConfig}, {@code PlannerConfig}, {@code ExecutorConfig},
 * {@code GatewayConfig}); {@code ReadmeConfigurationTest} checks that each name here is one of them. Each is a
 * Micronaut property, so an environment variable of the upper-cased, underscored name overrides it (for example
 * {@code KAFKA_BOOTSTRAP_SERVERS} for {@link #KAFKA_BOOTSTRAP_SERVERS}).
 */
public final class ConfigKeys {
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Prefix of the registry client's authentication and TLS settings (see {@code RegistryClientSettings}). */
    static final String SCHEMA_REGISTRY_PREFIX = "schema.registry.";

    public static final String TOPIC_PARTITIONS = "punctual.topics.partitions";
    /** Copies of every topic Punctual creates, Kafka Streams' internal topics included (capped at the brokers there are). */
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
    /** How far in the past a one-time schedule may be created and still fire (at once). */
    public static final String PLANNER_ONCE_GRACE = "punctual.planner.once-grace";
    /** Most active and paused schedules one tenant may hold (0: no limit); the planner enforces it. */
    public static final String PLANNER_MAX_SCHEDULES_PER_TENANT = "punctual.planner.max-schedules-per-tenant";
    /** Off-heap bound of all RocksDB stores of a planner process: one shared block cache, memtables included (e.g. 256MB). */
    public static final String PLANNER_ROCKSDB_MEMORY = "punctual.planner.rocksdb.memory";
    /** The part of {@link #PLANNER_ROCKSDB_MEMORY} that memtables may take (e.g. 64MB). */
    public static final String PLANNER_ROCKSDB_WRITE_BUFFER_MEMORY = "punctual.planner.rocksdb.write-buffer-memory";

    public static final String EXECUTOR_ENABLED = "punctual.executor.enabled";
    public static final String EXECUTOR_GROUP_ID = "punctual.executor.group-id";
    public static final String EXECUTOR_INSTANCE_ID = "punctual.executor.instance-id";
    /** Static group membership (group.instance.id = the instance id), for executors with stable ids (StatefulSet). */
    public static final String EXECUTOR_STATIC_MEMBERSHIP = "punctual.executor.static-membership";
    public static final String EXECUTOR_MAX_IN_FLIGHT = "punctual.executor.max-in-flight";
    public static final String EXECUTOR_REQUEST_TIMEOUT = "punctual.executor.request-timeout";
    /** Most due events one poll (one batch, one transaction) takes: Kafka's max.poll.records. */
    public static final String EXECUTOR_MAX_POLL_RECORDS = "punctual.executor.max-poll-records";
    /** First step of the exponential retry backoff (full jitter: the delay is drawn in [0, step]). */
    public static final String EXECUTOR_RETRY_BASE_DELAY = "punctual.executor.retry.base-delay";
    /** Cap of one retry backoff step. */
    public static final String EXECUTOR_RETRY_MAX_DELAY = "punctual.executor.retry.max-delay";
    /** Most characters of a synchronous Letta reply kept in the result. */
    public static final String EXECUTOR_REPLY_MAX_CHARS = "punctual.executor.reply-max-chars";
    /** Comma-separated Letta base URLs a schedule may name besides the deployment's own. */
    public static final String EXECUTOR_LETTA_ALLOWED_BASE_URLS = "punctual.executor.letta-allowed-base-urls";
    /** First wait before a followed Letta run is looked up; the wait doubles up to {@link #EXECUTOR_RUNS_POLL_MAX}. */
    public static final String EXECUTOR_RUNS_POLL_INITIAL = "punctual.executor.runs.poll-initial";
    /** Longest wait between two look-ups of one followed run. */
    public static final String EXECUTOR_RUNS_POLL_MAX = "punctual.executor.runs.poll-max";
    /** How long a run is followed before it is recorded as unknown. */
    public static final String EXECUTOR_RUNS_FOLLOW_LIMIT = "punctual.executor.runs.follow-limit";
    /** How long a fire waits for its agent's previous run before it is delivered anyway (marked overlapped). */
    public static final String EXECUTOR_RUNS_MAX_WAIT = "punctual.executor.runs.max-wait";

    /** Allow webhook URLs that resolve to loopback addresses (standalone, tests). */
    public static final String WEBHOOK_ALLOW_LOOPBACK = "punctual.webhook.allow-loopback";

    /**
     * Comma-separated topic prefixes Kafka targets may write to ({@code {tenant}} stands for the tenant id; {@code *}
     * for any topic that is not reserved). Empty, the default: no Kafka target is allowed.
     */
    public static final String KAFKA_TARGET_ALLOWED_TOPIC_PREFIXES = "punctual.kafka-target.allowed-topic-prefixes";
    /** Port of /health/liveness, /health/readiness and /prometheus of a planner or executor run on its own. */
    public static final String MANAGEMENT_PORT = "punctual.management.port";
    /** Log format of the jar: "text" (default) or "json" (one JSON object per line); read by logback.xml. */
    public static final String LOG_FORMAT_ENV = "PUNCTUAL_LOG_FORMAT";

    public static final String GATEWAY_ENABLED = "punctual.gateway.enabled";
    /** Sustained requests per second one tenant may make (token bucket refill rate). */
    public static final String GATEWAY_RATE_LIMIT_PER_SECOND = "punctual.gateway.rate-limit.per-second";
    /** Requests one tenant may make in a burst (token bucket size). */
    public static final String GATEWAY_RATE_LIMIT_BURST = "punctual.gateway.rate-limit.burst";
    /** Most accepted keys (tenants) whose verdict a gateway instance remembers. */
    public static final String GATEWAY_AUTH_MAX_ACCEPTED = "punctual.gateway.auth.max-accepted-keys";
    /** Most refused keys whose verdict a gateway instance remembers. */
    public static final String GATEWAY_AUTH_MAX_REFUSED = "punctual.gateway.auth.max-refused-keys";
    /** Letta checks of keys this gateway has not verified yet, per second, over all clients (token bucket refill). */
    public static final String GATEWAY_AUTH_UNKNOWN_PER_SECOND = "punctual.gateway.auth.unknown-keys.per-second";
    /** Burst of such checks over all clients. */
    public static final String GATEWAY_AUTH_UNKNOWN_BURST = "punctual.gateway.auth.unknown-keys.burst";
    /** Letta checks of unknown keys per second from one client address. */
    public static final String GATEWAY_AUTH_UNKNOWN_PER_ADDRESS_PER_SECOND = "punctual.gateway.auth.unknown-keys.per-address-per-second";
    /** Burst of such checks from one client address. */
    public static final String GATEWAY_AUTH_UNKNOWN_PER_ADDRESS_BURST = "punctual.gateway.auth.unknown-keys.per-address-burst";
    /** Whether the planner checks that a command's ciphertexts decrypt for its schedule and the key belongs to its tenant. */
    public static final String PLANNER_CHECK_KEYS = "punctual.planner.check-keys";
    /** Most rate-limit buckets (tenants, client addresses) a gateway instance keeps. */
    public static final String GATEWAY_RATE_LIMIT_MAX_BUCKETS = "punctual.gateway.rate-limit.max-buckets";
    /** Directory of the gateway's read views (RocksDB); kept across restarts so a restart resumes, not replays. */
    public static final String GATEWAY_STATE_DIR = "punctual.gateway.state-dir";

    /**
     * The Micronaut property of one of Confluent's registry client settings: {@code basic.auth.user.info} is read
     * from {@code schema.registry.basic.auth.user.info}; the TLS settings already start with {@code schema.registry.}.
     */
    public static String registrySetting(String confluentName) {
        return confluentName.startsWith(SCHEMA_REGISTRY_PREFIX) ? confluentName : SCHEMA_REGISTRY_PREFIX + confluentName;
    }

    private ConfigKeys() {
    }
}
