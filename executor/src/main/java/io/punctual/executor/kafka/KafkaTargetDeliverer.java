package io.punctual.executor.kafka;

import io.punctual.executor.delivery.Attempt;
import io.punctual.executor.delivery.ExecutionResults;
import io.punctual.executor.retry.FailedAttempts;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.config.KafkaSettings;
import io.punctual.schemas.kafkatarget.KafkaTopicPolicy;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import io.punctual.executor.config.ExecutorSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Accepts a fire for a Kafka target. Nothing is sent here: the record itself is produced by the delivery loop
 * in the transaction that commits the fire's result and offset (see {@link UserTopicRecords}), which is what
 * makes it exactly once. This only refuses what that transaction must never see: a topic the operator's
 * {@link KafkaTopicPolicy} does not allow this tenant (checked again here, because commands can reach the planner
 * without the gateway and the allow-list can shrink after a schedule was created), and topics that do not exist
 * (a send to one would block the transaction and fail the batch).
 */
@Singleton
public class KafkaTargetDeliverer {
    private final KafkaSettings kafka;
    private final KafkaTopicPolicy topicPolicy;
    private final int lookupTimeoutMs;
    private final Clock clock = Clock.systemUTC();
    private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();
    private volatile Admin admin;

    public KafkaTargetDeliverer(KafkaSettings kafka, ExecutorSettings settings, KafkaTopicPolicy topicPolicy) {
        this.kafka = kafka;
        this.topicPolicy = topicPolicy;
        // Bounded like an HTTP delivery, so a slow metadata answer cannot hold the batch longer than one.
        this.lookupTimeoutMs = (int) Math.min(Integer.MAX_VALUE, settings.requestTimeout().toMillis());
    }

    public CompletableFuture<Attempt> deliver(DueEvent fire, KafkaTarget target) {
        Instant startedAt = clock.instant();
        String topic = target.getTopic();
        Optional<String> refusal = topicPolicy.refusal(topic, fire.getTenant());
        if (refusal.isPresent()) {
            return CompletableFuture.completedFuture(FailedAttempts.refused(fire, startedAt, clock.instant(), refusal.get()));
        }
        if (knownTopics.contains(topic)) {
            return CompletableFuture.completedFuture(accepted(fire, startedAt));
        }
        CompletableFuture<Attempt> attempt = new CompletableFuture<>();
        admin().describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(lookupTimeoutMs)).allTopicNames().whenComplete((described, error) -> {
            if (error == null) {
                knownTopics.add(topic);
                attempt.complete(accepted(fire, startedAt));
            } else if (FailedAttempts.unwrap(error) instanceof UnknownTopicOrPartitionException) {
                attempt.complete(FailedAttempts.refused(fire, startedAt, clock.instant(), "topic " + topic + " does not exist"));
            } else {
                attempt.complete(FailedAttempts.ofError(fire, startedAt, clock.instant(), error));
            }
        });
        return attempt;
    }

    private Attempt accepted(DueEvent fire, Instant startedAt) {
        return Attempt.finished(ExecutionResults.delivered(fire, startedAt, clock.instant(), null, null));
    }

    private Admin admin() {
        Admin a = admin;
        if (a == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(kafka.clientProperties());
                }
                a = admin;
            }
        }
        return a;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }
}
