package io.punctual.executor.kafka;

import io.punctual.executor.delivery.Attempt;
import io.punctual.executor.delivery.ExecutionResults;
import io.punctual.executor.retry.FailedAttempts;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.KafkaTarget;
import io.punctual.kernel.config.KafkaSettings;
import io.punctual.kernel.kafkatarget.KafkaTopicPolicy;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import io.punctual.executor.config.ExecutorSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Accepts a fire for a Kafka target. Nothing is sent here: the record itself is produced by the delivery loop
 * in the transaction that commits the fire's result and offset (see {@link UserTopicRecords}), which is what
 * makes it exactly once. This only refuses what that transaction must never see: a topic the operator's
 * {@link KafkaTopicPolicy} does not allow this tenant (checked again here, because commands can reach the planner
 * without the gateway and the allow-list can shrink after a schedule was created), topics that do not exist (a send
 * to one would block the transaction and fail the batch), topics this executor may not write to and records larger
 * than the topic takes. What changes after this check (a topic deleted or reconfigured meanwhile) fails at commit;
 * the delivery loop then fails only that fire.
 */
@Singleton
public class KafkaTargetDeliverer implements UserTopicCheck {
    private final KafkaSettings kafka;
    private final KafkaTopicPolicy topicPolicy;
    private final int lookupTimeoutMs;
    private final Clock clock;
    /** Topic facts are looked up again after this long: deletions, ACL and config changes show up within it. */
    static final Duration FACTS_TTL = Duration.ofSeconds(60);
    /** Kafka's default max.message.bytes (1 MiB + record batch overhead), for a topic whose configuration cannot be read. */
    private static final int DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
    private static final int MAX_TOPICS = 10_000;
    private final Map<String, TopicFacts> topics = new ConcurrentHashMap<>();
    private final int maxRequestSize;
    private volatile Admin admin;

    public KafkaTargetDeliverer(KafkaSettings kafka, ExecutorSettings settings, KafkaTopicPolicy topicPolicy, Clock clock) {
        this.kafka = kafka;
        this.clock = clock;
        this.topicPolicy = topicPolicy;
        // Bounded like an HTTP delivery, so a slow metadata answer cannot hold the batch longer than one.
        this.lookupTimeoutMs = (int) Math.min(Integer.MAX_VALUE, settings.requestTimeout().toMillis());
        Object configured = kafka.clientProperties().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        this.maxRequestSize = configured == null ? 1_048_576 : Integer.parseInt(configured.toString());
    }

    public CompletableFuture<Attempt> deliver(DueEvent fire, KafkaTarget target) {
        Instant startedAt = clock.instant();
        String topic = target.getTopic();
        Optional<String> refusal = topicPolicy.refusal(topic, fire.getTenant());
        if (refusal.isPresent()) {
            return CompletableFuture.completedFuture(FailedAttempts.refused(fire, startedAt, clock.instant(), refusal.get()));
        }
        int size = UserTopicRecords.sizeUpperBound(fire, target);
        TopicFacts known = topics.get(topic);
        if (known != null && known.isFresh(clock.instant())) {
            return CompletableFuture.completedFuture(judge(fire, startedAt, topic, size, known));
        }
        CompletableFuture<Attempt> attempt = new CompletableFuture<>();
        lookUp(topic).whenComplete((facts, error) -> {
            if (error == null) {
                remember(topic, facts);
                attempt.complete(judge(fire, startedAt, topic, size, facts));
            } else if (FailedAttempts.unwrap(error) instanceof UnknownTopicOrPartitionException) {
                topics.remove(topic);
                attempt.complete(FailedAttempts.refused(fire, startedAt, clock.instant(), "topic " + topic + " does not exist"));
            } else {
                attempt.complete(FailedAttempts.ofError(fire, startedAt, clock.instant(), error));
            }
        });
        return attempt;
    }

    /**
     * Refuses here, before the record joins the executor's transaction, what would make the broker refuse it there
     * and abort the whole transaction: a record larger than the topic's {@code max.message.bytes} (or the producer's
     * {@code max.request.size}) and a topic this executor may not write to.
     */
    private Attempt judge(DueEvent fire, Instant startedAt, String topic, int size, TopicFacts facts) {
        return refusal(topic, size, facts)
                .map(reason -> FailedAttempts.refused(fire, startedAt, clock.instant(), reason))
                .orElseGet(() -> accepted(fire, startedAt));
    }

    private Optional<String> refusal(String topic, int size, TopicFacts facts) {
        if (!facts.writable()) {
            return Optional.of("not authorized to write to topic " + topic);
        }
        int limit = Math.min(facts.maxMessageBytes(), maxRequestSize);
        if (size > limit) {
            return Optional.of("the record (up to " + size + " bytes) is larger than topic " + topic
                    + " accepts (" + limit + " bytes: max.message.bytes " + facts.maxMessageBytes() + ", max.request.size " + maxRequestSize + ")");
        }
        return Optional.empty();
    }

    /**
     * A fresh look-up, past what is cached: called by the delivery loop after a commit failed with no record refused
     * (a topic deleted since its look-up only times the commit out). A look-up that itself fails refuses nothing, so
     * the batch is retried as before.
     */
    @Override
    public Optional<String> refusalNow(DueEvent fire, KafkaTarget target, Instant since) {
        String topic = target.getTopic();
        int size = UserTopicRecords.sizeUpperBound(fire, target);
        TopicFacts known = topics.get(topic);
        if (known != null && !known.lookedUpAt().isBefore(since)) {
            return refusal(topic, size, known);
        }
        topics.remove(topic);
        try {
            TopicFacts facts = lookUp(topic).get(lookupTimeoutMs + 1_000L, TimeUnit.MILLISECONDS);
            remember(topic, facts);
            return refusal(topic, size, facts);
        } catch (ExecutionException e) {
            return FailedAttempts.unwrap(e) instanceof UnknownTopicOrPartitionException
                    ? Optional.of("topic " + topic + " does not exist") : Optional.empty();
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Keeps the look-ups bounded: topic names come from tenants, so the map must not grow with them. */
    private void remember(String topic, TopicFacts facts) {
        if (topics.size() >= MAX_TOPICS) {
            Instant now = clock.instant();
            topics.values().removeIf(f -> !f.isFresh(now));
            if (topics.size() >= MAX_TOPICS) {
                topics.clear();
            }
        }
        topics.put(topic, facts);
    }

    /** The topic's existence, whether this principal may write to it, and its max.message.bytes; one bounded look-up. */
    private CompletableFuture<TopicFacts> lookUp(String topic) {
        Admin a = admin();
        KafkaFuture<TopicDescription> description = a.describeTopics(List.of(topic),
                new DescribeTopicsOptions().timeoutMs(lookupTimeoutMs).includeAuthorizedOperations(true)).topicNameValues().get(topic);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        KafkaFuture<Config> config = a.describeConfigs(List.of(resource), new DescribeConfigsOptions().timeoutMs(lookupTimeoutMs)).values().get(resource);
        CompletableFuture<TopicFacts> facts = new CompletableFuture<>();
        description.whenComplete((d, error) -> {
            if (error != null) {
                facts.completeExceptionally(error);
                return;
            }
            config.whenComplete((c, configError) -> {
                // Without DescribeConfigs permission the limit is the broker's default, which the record still has to fit.
                ConfigEntry entry = configError == null ? c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG) : null;
                int maxMessageBytes = entry == null || entry.value() == null ? DEFAULT_MAX_MESSAGE_BYTES : Integer.parseInt(entry.value());
                Set<AclOperation> operations = d.authorizedOperations();
                // Null: the broker did not say (no authorizer, or an old broker); the commit is then the only check.
                boolean writable = operations == null || operations.contains(AclOperation.WRITE) || operations.contains(AclOperation.ALL);
                facts.complete(new TopicFacts(writable, maxMessageBytes, clock.instant()));
            });
        });
        return facts;
    }

    /** What a look-up learnt about a topic, trusted until {@code freshUntil} (topics get deleted and reconfigured). */
    private record TopicFacts(boolean writable, int maxMessageBytes, Instant lookedUpAt) {
        boolean isFresh(Instant now) {
            return now.isBefore(lookedUpAt.plus(FACTS_TTL));
        }
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
            admin.close(Duration.ofSeconds(2));
        }
    }
}
