package io.punctual.executor.kafka;

import io.punctual.schemas.DueEvent;
import io.punctual.schemas.KafkaTarget;

import java.time.Instant;
import java.util.Optional;

/**
 * Asks again, now, whether a Kafka-target fire's topic takes its record. The delivery loop needs it when a
 * transaction with user-topic records fails without any record being refused: a topic deleted after its look-up is
 * never refused outright, the producer waits for it until the commit times out.
 */
@FunctionalInterface
interface UserTopicCheck {
    /** Nothing is ever refused: for loops without Kafka targets (tests). */
    UserTopicCheck NONE = (fire, target, since) -> Optional.empty();

    /**
     * Why the topic refuses this fire's record, judged on what was learnt about it at or after {@code since} (looked
     * up again otherwise), or empty if it takes it. Blocks at most one bounded look-up.
     */
    Optional<String> refusalNow(DueEvent fire, KafkaTarget target, Instant since);
}
