package io.punctual.kernel.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.punctual.kernel.webhook.WebhookUrlPolicy;
import io.punctual.schemas.topic.TopicDurability;

import java.time.Duration;

/**
 * The {@code punctual.*} settings more than one service reads (topics, webhook URL policy, Kafka targets, Letta,
 * keyset, schedule size limits), each with its default, written here once. Every key is a Micronaut property, so
 * the upper-cased, underscored environment variable overrides it ({@code PUNCTUAL_TOPICS_PARTITIONS}). The README's
 * configuration tables list them; {@code ReadmeConfigurationTest} keeps the two in step.
 */
@ConfigurationProperties("punctual")
public class SharedConfig {
    private Topics topics = new Topics();
    private Webhook webhook = new Webhook();
    private KafkaTarget kafkaTarget = new KafkaTarget();
    private Letta letta = new Letta();
    private Keyset keyset = new Keyset();
    private ScheduleLimits scheduleLimits = new ScheduleLimits();

    public Topics getTopics() {
        return topics;
    }

    public void setTopics(Topics topics) {
        this.topics = topics;
    }

    public Webhook getWebhook() {
        return webhook;
    }

    public void setWebhook(Webhook webhook) {
        this.webhook = webhook;
    }

    public KafkaTarget getKafkaTarget() {
        return kafkaTarget;
    }

    public void setKafkaTarget(KafkaTarget kafkaTarget) {
        this.kafkaTarget = kafkaTarget;
    }

    public Letta getLetta() {
        return letta;
    }

    public void setLetta(Letta letta) {
        this.letta = letta;
    }

    public Keyset getKeyset() {
        return keyset;
    }

    public void setKeyset(Keyset keyset) {
        this.keyset = keyset;
    }

    public ScheduleLimits getScheduleLimits() {
        return scheduleLimits;
    }

    public void setScheduleLimits(ScheduleLimits scheduleLimits) {
        this.scheduleLimits = scheduleLimits;
    }

    /** {@code punctual.topics.*}: the topics every service creates at start-up if they are missing. */
    @ConfigurationProperties("topics")
    public static class Topics {
        private int partitions = 6;
        /** Copies of every topic Punctual creates, Kafka Streams' internal topics included (capped at the brokers there are). */
        private short replicationFactor = TopicDurability.DEFAULT_REPLICATION_FACTOR;
        /** min.insync.replicas of the topics Punctual creates (at most their replication factor). */
        private int minInsyncReplicas = TopicDurability.DEFAULT_MIN_INSYNC_REPLICAS;
        /** min.compaction.lag.ms of punctual.commands: how long a superseded command stays readable for a lagging planner. */
        private Duration commandsMinCompactionLag = TopicDurability.DEFAULT_COMMANDS_MIN_COMPACTION_LAG;

        public int getPartitions() {
            return partitions;
        }

        public void setPartitions(int partitions) {
            this.partitions = partitions;
        }

        public short getReplicationFactor() {
            return replicationFactor;
        }

        public void setReplicationFactor(short replicationFactor) {
            this.replicationFactor = replicationFactor;
        }

        public int getMinInsyncReplicas() {
            return minInsyncReplicas;
        }

        public void setMinInsyncReplicas(int minInsyncReplicas) {
            this.minInsyncReplicas = minInsyncReplicas;
        }

        public Duration getCommandsMinCompactionLag() {
            return commandsMinCompactionLag;
        }

        public void setCommandsMinCompactionLag(Duration commandsMinCompactionLag) {
            this.commandsMinCompactionLag = commandsMinCompactionLag;
        }

        /** As configured, min.insync.replicas capped at the replication factor (a replication factor of 1 alone means 1 and 1). */
        public TopicDurability durability() {
            return new TopicDurability(replicationFactor, Math.min(minInsyncReplicas, replicationFactor), commandsMinCompactionLag);
        }
    }

    /** {@code punctual.webhook.*}: which webhook URLs the gateway, the planner and the executor allow. */
    @ConfigurationProperties("webhook")
    public static class Webhook {
        /** Allow webhook URLs that resolve to loopback addresses (standalone, tests). */
        private boolean allowLoopback;
        /** Allow webhook URLs that resolve to private ranges (RFC 1918, CGNAT, IPv6 ULA). */
        private boolean allowPrivate;
        /** Comma-separated hosts always allowed, whatever they resolve to (an operator-approved internal service). */
        private String allowedHosts = "";
        /** Comma-separated hosts (or ".suffix" domains) always refused. */
        private String deniedHosts = "";

        public boolean isAllowLoopback() {
            return allowLoopback;
        }

        public void setAllowLoopback(boolean allowLoopback) {
            this.allowLoopback = allowLoopback;
        }

        public boolean isAllowPrivate() {
            return allowPrivate;
        }

        public void setAllowPrivate(boolean allowPrivate) {
            this.allowPrivate = allowPrivate;
        }

        public String getAllowedHosts() {
            return allowedHosts;
        }

        public void setAllowedHosts(String allowedHosts) {
            this.allowedHosts = allowedHosts;
        }

        public String getDeniedHosts() {
            return deniedHosts;
        }

        public void setDeniedHosts(String deniedHosts) {
            this.deniedHosts = deniedHosts;
        }

        public WebhookUrlPolicy policy() {
            return new WebhookUrlPolicy(allowLoopback, allowPrivate, WebhookUrlPolicy.hostList(allowedHosts), WebhookUrlPolicy.hostList(deniedHosts));
        }
    }

    /** {@code punctual.kafka-target.*}: which topics Kafka targets may write to. */
    @ConfigurationProperties("kafka-target")
    public static class KafkaTarget {
        /**
         * Comma-separated topic prefixes Kafka targets may write to ({@code {tenant}} stands for the tenant id; {@code *}
         * for any topic that is not reserved). Empty, the default: no Kafka target is allowed.
         */
        private String allowedTopicPrefixes = "";

        public String getAllowedTopicPrefixes() {
            return allowedTopicPrefixes;
        }

        public void setAllowedTopicPrefixes(String allowedTopicPrefixes) {
            this.allowedTopicPrefixes = allowedTopicPrefixes;
        }
    }

    /** {@code punctual.letta.*}: the Letta server of the deployment. */
    @ConfigurationProperties("letta")
    public static class Letta {
        /** A constant only because an annotation ({@code @Client} of the gateway's key check) needs it too. */
        public static final String DEFAULT_BASE_URL = "https://api.letta.com";

        private String baseUrl = DEFAULT_BASE_URL;

        public String getBaseUrl() {
            return baseUrl;
        }

        public void setBaseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
        }
    }

    /** {@code punctual.keyset.*}: the Tink keysets (see {@code KeyMaterial}); no default, one of the two is needed. */
    @ConfigurationProperties("keyset")
    public static class Keyset {
        /** Path of the Tink keysets file. */
        private String path;
        /** The keysets file's JSON itself, for deployments that pass secrets as environment variables. */
        private String json;

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public String getJson() {
            return json;
        }

        public void setJson(String json) {
            this.json = json;
        }

        /** Whether a keyset is configured at all. */
        public boolean isConfigured() {
            return json != null && !json.isBlank() || path != null && !path.isBlank();
        }
    }

    /** The bounds of what one schedule may carry: the gateway refuses more, the planner checks again. */
    @ConfigurationProperties("gateway")
    public static class ScheduleLimits {
        /** Largest JSON size of one schedule's messages (or webhook body, Kafka value), in bytes. */
        private int maxMessageBytes = 65536;
        /** Most messages one schedule may carry. */
        private int maxMessages = 100;

        public int getMaxMessageBytes() {
            return maxMessageBytes;
        }

        public void setMaxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
        }

        public int getMaxMessages() {
            return maxMessages;
        }

        public void setMaxMessages(int maxMessages) {
            this.maxMessages = maxMessages;
        }
    }
}
