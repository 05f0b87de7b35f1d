package io.punctual.kernel.health;

import io.punctual.kernel.config.KafkaSettings;
import io.punctual.schemas.serde.SchemaRegistry;
import io.punctual.schemas.serde.TopicSerdes;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Whether the Kafka cluster and the schema registry answer now (not only at start-up), for every service's
 * readiness: a service that cannot reach them is taken out of service, not restarted. Each is asked at most every
 * few seconds, so probes and scrapes do not become load on them.
 */
final class InfrastructureReadiness {
    private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(5);

    private InfrastructureReadiness() {
    }

    /** A check whose answer is remembered for a few seconds. */
    abstract static class Cached implements ReadinessCheck {
        private volatile boolean ready;
        private volatile long checkedAt = System.nanoTime() - 2 * RECHECK_NANOS;

        @Override
        public boolean isReady() {
            long now = System.nanoTime();
            if (now - checkedAt > RECHECK_NANOS) {
                synchronized (this) {
                    if (now - checkedAt > RECHECK_NANOS) {
                        ready = probe();
                        checkedAt = System.nanoTime();
                    }
                }
            }
            return ready;
        }

        abstract boolean probe();
    }

    @Singleton
    static class Kafka extends Cached implements AutoCloseable {
        private final Admin admin;

        Kafka(KafkaSettings kafka) {
            Map<String, Object> props = kafka.clientProperties();
            props.put("request.timeout.ms", 2000);
            props.put("default.api.timeout.ms", 2000);
            this.admin = Admin.create(props);
        }

        @Override
        public String name() {
            return "kafka";
        }

        @Override
        boolean probe() {
            try {
                return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS).isEmpty();
            } catch (Exception e) {
                return false;
            }
        }

        @PreDestroy
        @Override
        public void close() {
            admin.close(Duration.ofSeconds(2));
        }
    }

    @Singleton
    static class Registry extends Cached {
        private final SchemaRegistry registry;

        Registry(TopicSerdes serdes) {
            // The serdes' own client, so the probe authenticates like they do.
            this.registry = serdes.registry();
        }

        @Override
        public String name() {
            return "schema-registry";
        }

        @Override
        boolean probe() {
            return registry.ping(Duration.ofSeconds(2));
        }
    }
}
