package io.punctual.kernel.config;

import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.Map;

/**
 * Kafka client settings shared by every service: the bootstrap servers and any other property under
 * {@code kafka.} (for example {@code kafka.security.protocol}), so an external cluster's security settings
 * reach every producer, consumer, admin and stream without per-service configuration.
 */
@Singleton
public class KafkaSettings {
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
    /**
     * The first retry backoff of the transactional producers (planner, executor) unless {@code kafka.retry.backoff.ms}
     * sets one. They begin a transaction right after committing the last, and a transactional request the coordinator
     * turns away while it still completes that commit is sent again after this backoff, without a log line. Kafka's
     * 100 ms held about one executor batch in a hundred for 100-150 ms (1-4 fires), most of the executor's share of
     * the steady row's tail; with 10 ms the slowest batch of the same run took 53 ms. The backoff still doubles per
     * retry, up to {@code retry.backoff.max.ms}.
     */
    public static final int TRANSACTIONAL_RETRY_BACKOFF_MS = 10;

    private final Map<String, Object> common;

    public KafkaSettings(Environment environment) {
        Map<String, Object> props = new HashMap<>(environment.getProperties("kafka", StringConvention.RAW));
        // Keys that belong to micronaut-kafka's own configuration, not to a Kafka client.
        props.keySet().removeIf(k -> k.startsWith("consumers.") || k.startsWith("producers.") || k.startsWith("streams.") || k.equals("enabled")
                || k.startsWith("health."));
        if (!props.containsKey("bootstrap.servers")) {
            props.put("bootstrap.servers", environment.getProperty(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, String.class).orElse(DEFAULT_BOOTSTRAP_SERVERS));
        }
        this.common = Map.copyOf(props);
    }

    public KafkaSettings(Map<String, Object> common) {
        this.common = Map.copyOf(common);
    }

    /** A fresh, mutable copy of the shared client properties, for one client to add its own to. */
    public Map<String, Object> clientProperties() {
        return new HashMap<>(common);
    }

    public String bootstrapServers() {
        return String.valueOf(common.get("bootstrap.servers"));
    }
}
