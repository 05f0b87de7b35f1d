package io.punctual.schemas.topic;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Creates the catalog's missing topics at start-up. Idempotent: every service calls it, in any order. */
public final class TopicProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final int partitions;
    private final TopicDurability durability;

    public TopicProvisioner(Admin admin, int partitions, short replicationFactor) {
        this(admin, partitions, new TopicDurability(replicationFactor, Math.min(replicationFactor, TopicDurability.DEFAULT_MIN_INSYNC_REPLICAS),
                TopicDurability.DEFAULT_COMMANDS_MIN_COMPACTION_LAG));
    }

    /** {@code durability} as configured; {@link #durability()} is what the cluster can give. */
    public TopicProvisioner(Admin admin, int partitions, TopicDurability durability) {
        this.admin = admin;
        this.partitions = partitions;
        this.durability = fitted(admin, durability);
    }

    /** The replication actually used: the configured one, capped at the cluster's broker count. */
    public TopicDurability durability() {
        return durability;
    }

    private static TopicDurability fitted(Admin admin, TopicDurability wanted) {
        int brokers;
        try {
            brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while describing the cluster", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not describe the Kafka cluster: " + e.getMessage(), e);
        }
        TopicDurability fitted = wanted.fittedTo(brokers);
        if (!fitted.equals(wanted)) {
            LOG.warn("The cluster has {} broker(s): topics get replication factor {} and min.insync.replicas {} instead of the configured {} and {}",
                    brokers, fitted.replicationFactor(), fitted.minInsyncReplicas(), wanted.replicationFactor(), wanted.minInsyncReplicas());
        }
        return fitted;
    }

    public void ensure(Collection<TopicDef<?>> topics) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t.name()))
                    .map(this::newTopic)
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            var results = admin.createTopics(missing).values();
            for (var entry : results.entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    LOG.info("Created topic {}", entry.getKey());
                } catch (ExecutionException e) {
                    // Another service created it between our listing and our request.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not create Punctual's topics: " + e.getMessage(), e);
        }
    }

    public void ensureAll() {
        ensure(Topics.ALL);
    }

    NewTopic newTopic(TopicDef<?> def) {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, def.cleanup().policy());
        def.retention().ifPresent(r -> configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(r.toMillis())));
        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(durability.minInsyncReplicas()));
        if (Topics.COMMANDS.name().equals(def.name())) {
            // A create superseded by a later command for the same key must not be compacted away before a lagging
            // planner has read it: it would never learn the schedule's first version.
            configs.put(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Long.toString(durability.commandsMinCompactionLag().toMillis()));
        }
        return new NewTopic(def.name(), partitions, durability.replicationFactor()).configs(configs);
    }
}
