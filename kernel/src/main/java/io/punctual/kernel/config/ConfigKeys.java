package io.punctual.kernel.config;

/**
 * Every configuration key Punctual reads, named once. Each is a Micronaut property, so an
 * environment variable of the upper-cased, underscored name overrides it
 * (for example {@code KAFKA_BOOTSTRAP_SERVERS} for {@link #KAFKA_BOOTSTRAP_SERVERS}).
 */
public final class ConfigKeys {
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Prefix of the registry client's authentication and TLS settings (see {@code RegistryClientSettings}). */
    public static final String SCHEMA_REGISTRY_PREFIX = "schema.registry.";

    public static final String TOPIC_PARTITIONS = "punctual.topics.partitions";
    /** Copies of every topic Punctual creates, Kafka Streams' internal topics included (capped at the brokers there are). */
    public static final String TOPIC_REPLICATION_FACTOR = "punctual.topics.replication-factor";
    /** min.insync.replicas of the topics Punctual creates (at most their replication factor). */
    public static final String TOPIC_MIN_INSYNC_REPLICAS = "punctual.topics.min-insync-replicas";
    /** min.compaction.lag.ms of punctual.commands: how long a superseded command stays readable for a lagging planner. */
    public static final String TOPIC_COMMANDS_MIN_COMPACTION_LAG = "punctual.topics.commands-min-compaction-lag";

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
    /** How late a fire may come due before it counts as missed and its schedule's catch-up policy decides. */
    public static final String PLANNER_MISFIRE_THRESHOLD = "punctual.planner.misfire-threshold";
    /** How long a completed schedule is kept before the planner deletes it (unless it asks to be deleted at once). */
    public static final String PLANNER_COMPLETED_RETENTION = "punctual.planner.completed-retention";
    /** Most active and paused schedules one tenant may hold (0: no limit); the planner enforces it. */
    public static final String PLANNER_MAX_SCHEDULES_PER_TENANT = "punctual.planner.max-schedules-per-tenant";
    /** How often a planner counts its schedules by status for the punctual_planner_schedules gauge (0: never). */
    public static final String PLANNER_CENSUS_INTERVAL = "punctual.planner.census-interval";
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
    /** Fire ids (with attempt) remembered as finished, so a due event seen again is not delivered again. */
    public static final String EXECUTOR_DEDUP_CAPACITY = "punctual.executor.dedup.capacity";
    /** How far back punctual.results is read at start to restore the finished fire ids. */
    public static final String EXECUTOR_DEDUP_RESTORE_WINDOW = "punctual.executor.dedup.restore-window";
    /** First wait before a followed Letta run is looked up; the wait doubles up to {@link #EXECUTOR_RUNS_POLL_MAX}. */
    public static final String EXECUTOR_RUNS_POLL_INITIAL = "punctual.executor.runs.poll-initial";
    /** Longest wait between two look-ups of one followed run. */
    public static final String EXECUTOR_RUNS_POLL_MAX = "punctual.executor.runs.poll-max";
    /** How long a run is followed before it is recorded as unknown. */
    public static final String EXECUTOR_RUNS_FOLLOW_LIMIT = "punctual.executor.runs.follow-limit";
    /** Most run look-ups in flight at once (per executor). */
    public static final String EXECUTOR_RUNS_MAX_LOOKUPS_IN_FLIGHT = "punctual.executor.runs.max-lookups-in-flight";
    /** How long a fire waits for its agent's previous run before it is delivered anyway (marked overlapped). */
    public static final String EXECUTOR_RUNS_MAX_WAIT = "punctual.executor.runs.max-wait";

    /** Allow webhook URLs that resolve to loopback addresses (standalone, tests). */
    public static final String WEBHOOK_ALLOW_LOOPBACK = "punctual.webhook.allow-loopback";
    /** Allow webhook URLs that resolve to private ranges (RFC 1918, CGNAT, IPv6 ULA). */
    public static final String WEBHOOK_ALLOW_PRIVATE = "punctual.webhook.allow-private";
    /** Comma-separated hosts always allowed, whatever they resolve to (an operator-approved internal service). */
    public static final String WEBHOOK_ALLOWED_HOSTS = "punctual.webhook.allowed-hosts";
    /** Comma-separated hosts (or ".suffix" domains) always refused. */
    public static final String WEBHOOK_DENIED_HOSTS = "punctual.webhook.denied-hosts";

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
    public static final String GATEWAY_COMMAND_TIMEOUT = "punctual.gateway.command-timeout";
    /** How long a Letta key that Letta accepted is trusted before it is checked again. */
    public static final String GATEWAY_AUTH_VALID_TTL = "punctual.gateway.auth.valid-ttl";
    /** How long a Letta key that Letta refused is refused without asking again. */
    public static final String GATEWAY_AUTH_INVALID_TTL = "punctual.gateway.auth.invalid-ttl";
    /** Largest JSON size of one schedule's messages (or webhook body, Kafka value), in bytes. */
    public static final String GATEWAY_MAX_MESSAGE_BYTES = "punctual.gateway.max-message-bytes";
    /** Most messages one schedule may carry. */
    public static final String GATEWAY_MAX_MESSAGES = "punctual.gateway.max-messages";
    /** Sustained requests per second one tenant may make (token bucket refill rate). */
    public static final String GATEWAY_RATE_LIMIT_PER_SECOND = "punctual.gateway.rate-limit.per-second";
    /** Requests one tenant may make in a burst (token bucket size). */
    public static final String GATEWAY_RATE_LIMIT_BURST = "punctual.gateway.rate-limit.burst";
    /** How long an Idempotency-Key of a create is remembered. */
    public static final String GATEWAY_IDEMPOTENCY_TTL = "punctual.gateway.idempotency-ttl";
    /** Most Idempotency-Keys a gateway instance remembers (least used evicted first). */
    public static final String GATEWAY_IDEMPOTENCY_MAX_ENTRIES = "punctual.gateway.idempotency-max-entries";
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
    /** How long runs are kept in the gateway's run history (by their scheduled time). */
    public static final String GATEWAY_RUNS_MAX_AGE = "punctual.gateway.runs.max-age";
    /** Most runs (attempts) kept per schedule in the gateway's run history. */
    public static final String GATEWAY_RUNS_MAX_PER_SCHEDULE = "punctual.gateway.runs.max-per-schedule";
    /** How often the run history is swept for runs past their age or count. */
    public static final String GATEWAY_RUNS_SWEEP_INTERVAL = "punctual.gateway.runs.sweep-interval";
    /** Least time between two end-offset look-ups of the read barrier (reads in between share the next one). */
    public static final String GATEWAY_READ_BARRIER_INTERVAL = "punctual.gateway.read-barrier.interval";
    /** Longest a read waits for the view to reach the topic's end before answering 503. */
    public static final String GATEWAY_READ_BARRIER_TIMEOUT = "punctual.gateway.read-barrier.timeout";

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
