package io.punctual.schemas.topic;

import java.time.Duration;
import java.util.Objects;

/**
 * How the topics Punctual creates survive the loss of brokers and of a lagging reader's position.
 *
 * @param replicationFactor        copies of each partition; also used for Kafka Streams' internal topics (changelogs,
 *                                 which hold the planner's state)
 * @param minInsyncReplicas        copies an {@code acks=all} write needs; with 3 and 2 one broker may be lost
 *                                 without losing a committed write or stopping writes
 * @param commandsMinCompactionLag how long compaction leaves a superseded command of {@code punctual.commands}
 *                                 alone, so a planner lagging less than that still reads every command
 */
public record TopicDurability(short replicationFactor, int minInsyncReplicas, Duration commandsMinCompactionLag) {
    public static final short DEFAULT_REPLICATION_FACTOR = 3;
    public static final int DEFAULT_MIN_INSYNC_REPLICAS = 2;
    public static final Duration DEFAULT_COMMANDS_MIN_COMPACTION_LAG = Duration.ofDays(7);
    /** One broker holds one copy of everything (standalone, tests). */
    public static final TopicDurability SINGLE_BROKER = new TopicDurability((short) 1, 1, DEFAULT_COMMANDS_MIN_COMPACTION_LAG);

    public TopicDurability {
        Objects.requireNonNull(commandsMinCompactionLag, "commandsMinCompactionLag");
        if (replicationFactor < 1 || minInsyncReplicas < 1) {
            throw new IllegalArgumentException("replication factor and min.insync.replicas must be at least 1");
        }
        if (commandsMinCompactionLag.isNegative()) {
            throw new IllegalArgumentException("commands min compaction lag must not be negative");
        }
    }

    /**
     * Fitted to a cluster of {@code brokers}: a topic cannot have more copies than there are brokers (a single
     * broker, the standalone, gets one copy), and a write cannot need more copies than the topic has.
     */
    public TopicDurability fittedTo(int brokers) {
        short rf = (short) Math.max(1, Math.min(replicationFactor, brokers));
        return new TopicDurability(rf, Math.min(minInsyncReplicas, rf), commandsMinCompactionLag);
    }
}
