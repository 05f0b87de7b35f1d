package io.punctual.bench.drill;

import io.punctual.schemas.CommandResult;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.LettaStandIn;
import io.punctual.testkit.RecordedRequest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What happened to each fire of the drill's burst, read with {@code read_committed} from the beginning of three
 * topics: the planner's answer to each create ({@code punctual.command-results}), the fires it emitted
 * ({@code punctual.due}) and the executors' results ({@code punctual.results}). A fire without a final result can
 * then be traced to where it stopped: create refused, never emitted, emitted but never sent, sent but no result.
 */
final class BurstLedger implements AutoCloseable {
    private final Set<String> fireIds;
    private final String prefix;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicSerdes serdes;
    private final Map<String, Boolean> createAccepted = new HashMap<>();
    private final Map<String, Integer> rejectedBy = new TreeMap<>();
    private final Map<String, Integer> emitted = new HashMap<>();
    private final Map<String, List<Outcome>> finals = new HashMap<>();
    private final Map<Outcome, Integer> byOutcome = new EnumMap<>(Outcome.class);
    private int retrying;
    private final Map<String, Integer> retryReasons = new TreeMap<>();
    private Instant lastCreateAnswered;

    BurstLedger(KafkaFixture kafka, TopicSerdes serdes, String prefix, Set<String> fireIds) {
        this.fireIds = fireIds;
        this.prefix = prefix;
        this.serdes = serdes;
        Map<String, Object> props = kafka.consumerProps(kafka.uniqueName("drill-ledger"));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.COMMAND_RESULTS.name(), Topics.DUE.name(), Topics.RESULTS.name())) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads what one poll returns. */
    void poll() {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.topic().equals(Topics.COMMAND_RESULTS.name())) {
                CommandResult answer = serdes.valueSerde(Topics.COMMAND_RESULTS).deserializer().deserialize(r.topic(), r.value());
                if (answer.getScheduleId().startsWith(prefix) && createAccepted.putIfAbsent(answer.getScheduleId(), answer.getAccepted()) == null) {
                    lastCreateAnswered = Instant.now();
                    if (!answer.getAccepted()) {
                        rejectedBy.merge(String.valueOf(answer.getReason()), 1, Integer::sum);
                    }
                }
            } else if (r.topic().equals(Topics.DUE.name())) {
                DueEvent due = serdes.valueSerde(Topics.DUE).deserializer().deserialize(r.topic(), r.value());
                if (fireIds.contains(due.getFireId()) && due.getAttempt() == 1) {
                    emitted.merge(due.getFireId(), 1, Integer::sum);
                }
            } else {
                ExecutionResult result = serdes.valueSerde(Topics.RESULTS).deserializer().deserialize(r.topic(), r.value());
                // A run's end (the executor following the Letta run) is a record of its own, not a second result.
                if (!fireIds.contains(result.getFireId()) || result.getRunEnd()) {
                    continue;
                }
                if (result.getOutcome() == Outcome.RETRYING) {
                    retrying++;
                    retryReasons.merge(String.valueOf(result.getDetail()).replaceAll("\\d+", "N"), 1, Integer::sum);
                } else {
                    finals.computeIfAbsent(result.getFireId(), k -> new ArrayList<>()).add(result.getOutcome());
                    byOutcome.merge(result.getOutcome(), 1, Integer::sum);
                }
            }
        }
    }

    int createsAnswered() {
        return createAccepted.size();
    }

    Instant lastCreateAnswered() {
        return lastCreateAnswered;
    }

    /** Creates refused, counted once every create is answered (zero before). */
    int refused() {
        return createAccepted.size() < fireIds.size() ? 0 : rejectedBy.values().stream().mapToInt(Integer::intValue).sum();
    }

    Map<String, Integer> rejectedBy() {
        return rejectedBy;
    }

    int withFinalResult() {
        return finals.size();
    }

    long withMoreThanOneFinal() {
        return finals.values().stream().filter(l -> l.size() > 1).count();
    }

    long missing() {
        return fireIds.size() - finals.size();
    }

    /** Why attempts failed and were retried, by detail (numbers masked). */
    Map<String, Integer> retryReasons() {
        return retryReasons;
    }

    /** Fires whose first attempt the planner emitted more than once (a re-emission after a planner's failover; the executors must not deliver it twice). */
    long emittedTwice() {
        return emitted.values().stream().filter(n -> n > 1).count();
    }

    Map<Outcome, Integer> finalsByOutcome() {
        return byOutcome;
    }

    int retrying() {
        return retrying;
    }

    /** Where each fire without a final result stopped, with a few examples of each. */
    Map<String, List<String>> whereMissingStopped(LettaStandIn letta) {
        Set<String> sent = letta.requests().stream().filter(RecordedRequest::isMessage)
                .map(r -> r.header("Idempotency-Key").orElse("")).collect(Collectors.toSet());
        Map<String, List<String>> where = new TreeMap<>();
        for (String fire : fireIds) {
            if (finals.containsKey(fire)) {
                continue;
            }
            String schedule = fire.substring(0, fire.indexOf('@'));
            Boolean accepted = createAccepted.get(schedule);
            String stage = accepted == null ? "create never answered"
                    : !accepted ? "create refused"
                    : !emitted.containsKey(fire) ? "created, never emitted to punctual.due"
                    : !sent.contains(fire) ? "emitted, never sent to Letta"
                    : "sent to Letta, no final result";
            where.computeIfAbsent(stage, k -> new ArrayList<>()).add(fire);
        }
        return where;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
