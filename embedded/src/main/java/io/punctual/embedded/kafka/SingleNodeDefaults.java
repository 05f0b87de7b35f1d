package io.punctual.embedded.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Broker settings that make one node a complete cluster: internal topics (consumer offsets, transaction state)
 * would otherwise ask for three replicas and the group and transaction coordinators would never come up.
 * Everything here can be overridden with {@link EmbeddedKafka.Builder#brokerProperty(String, Object)}.
 */
final class SingleNodeDefaults {

    static final Map<String, String> PROPERTIES;

    static {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        // Topics are created deliberately (with their partition counts and cleanup policies), never by accident.
        p.put("auto.create.topics.enable", "false");
        // The log cleaner's dedupe buffer defaults to 128 MiB; compacted topics here are small.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        p.put("log.cleaner.threads", "1");
        // Defaults are sized for a dedicated server; this broker shares the JVM and often a two-core machine.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("background.threads", "4");
        // After a kill, the restarted node's controller still holds the dead broker's registration and refuses the new
        // one (DUPLICATE_BROKER_REGISTRATION) until that session expires: 9 s by default, most of a restart. Broker and
        // controller share this process, so a shorter session costs nothing; heartbeats every 500 ms leave 6 per session.
        p.put("broker.session.timeout.ms", "3000");
        p.put("broker.heartbeat.interval.ms", "500");
        PROPERTIES = Map.copyOf(p);
    }

    private SingleNodeDefaults() {
    }
}
