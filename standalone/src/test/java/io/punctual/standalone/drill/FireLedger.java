package io.punctual.standalone.drill;

import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.LettaStandIn;
import io.punctual.testkit.RecordedRequest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a drill ends with: every fire of the burst has exactly one final result on {@code punctual.results}
 * (read_committed), none is missing, and how many fires the Letta stand-in accepted more than once (the
 * at-least-once window) is counted and printed.
 */
final class FireLedger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FireLedger.class);

    private final Set<String> fireIds;
    private final String bootstrapServers;
    private final String registryUrl;
    private final Map<String, List<ExecutionResult>> finals = new HashMap<>();
    private final Map<String, List<ExecutionResult>> retrying = new HashMap<>();
    private KafkaConsumer<byte[], byte[]> consumer;
    private Deserializer<ExecutionResult> results;

    FireLedger(Set<String> fireIds, String bootstrapServers, String registryUrl) {
        this.fireIds = Set.copyOf(fireIds);
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
    }

    /** Reads results until every fire has a final one, then reads to the end once more so late doubles show. */
    void awaitEveryFireFinal(Duration atMost) {
        awaitEveryFireFinal(atMost, () -> false);
    }

    /** As {@link #awaitEveryFireFinal(Duration)}, but stops waiting early once {@code lost} says fires were lost. */
    void awaitEveryFireFinal(Duration atMost, Callable<Boolean> lost) {
        try {
            await("a final result for each of " + fireIds.size() + " fires").atMost(atMost).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        if (lost.call()) {
                            return true;
                        }
                        readAvailable();
                        LOG.info("{} of {} fires have a final result", finals.size(), fireIds.size());
                        return finals.size() == fireIds.size();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // Name the fires, so the drill's child logs and the Letta stand-in can be searched for them.
            List<String> missing = fireIds.stream().filter(id -> !finals.containsKey(id)).sorted().limit(20).toList();
            try {
                explainMissing(fireIds.stream().filter(id -> !finals.containsKey(id)).collect(Collectors.toSet()));
            } catch (RuntimeException failed) {
                LOG.error("DIAG could not read the topics", failed);
            }
            throw new AssertionError(e.getMessage() + "; without a final result (at most 20 shown): " + missing
                    + "; their attempts seen as RETRYING: " + missing.stream().filter(retrying::containsKey).toList(), e);
        }
        readAvailable();
    }

    /** Committed records on a topic now (e.g. dead letters), read from the beginning. */
    static long committedRecords(String bootstrapServers, String topic) {
        return readAll(bootstrapServers, topic, "read_committed", Duration.ofSeconds(20)).size();
    }

    /** Exactly one final result per fire, none missing, none for anything else; prints what it found. */
    Map<Outcome, Long> assertExactlyOneFinalResultEach(String drill) {
        assertThat(finals.keySet()).as("fires with a final result").isEqualTo(fireIds);
        List<String> doubled = finals.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
        assertThat(doubled).as("fires with more than one final result").isEmpty();
        Map<Outcome, Long> byOutcome = new EnumMap<>(Outcome.class);
        finals.values().forEach(list -> byOutcome.merge(list.get(0).getOutcome(), 1L, Long::sum));
        LOG.info("[{}] {} fires, each exactly one final result: {}; {} RETRYING results", drill, fireIds.size(), byOutcome,
                retrying.values().stream().mapToInt(List::size).sum());
        return byOutcome;
    }

    /** The final result of one fire (after {@link #awaitEveryFireFinal}). */
    ExecutionResult finalResult(String fireId) {
        return finals.get(fireId).get(0);
    }

    /**
     * Fires of the burst that the stand-in accepted (2xx) more than once: each is one duplicate delivery, made
     * idempotent by the same {@code Idempotency-Key}. Logged with the drill's name.
     */
    long countDuplicateDeliveries(String drill, LettaStandIn letta) {
        Map<String, Long> accepted = letta.requests().stream()
                .filter(r -> r.isMessage() && r.status() / 100 == 2)
                .map(r -> r.header("Idempotency-Key").orElse(""))
                .filter(fireIds::contains)
                .collect(Collectors.groupingBy(k -> k, Collectors.counting()));
        long duplicated = accepted.values().stream().filter(n -> n > 1).count();
        long extra = accepted.values().stream().mapToLong(n -> n - 1).sum();
        long calls = letta.requests().stream().filter(RecordedRequest::isMessage).count();
        LOG.info("[{}] DUPLICATE DELIVERIES: {} of {} fires reached Letta more than once ({} extra requests; {} message calls in all)",
                drill, duplicated, fireIds.size(), extra, calls);
        System.out.printf("[%s] duplicate deliveries: %d fires delivered more than once (%d extra requests) of %d%n",
                drill, duplicated, extra, fireIds.size());
        assertThat(accepted.keySet()).as("every delivered fire reached Letta").containsAll(
                finals.entrySet().stream().filter(e -> e.getValue().get(0).getOutcome() == Outcome.DELIVERED).map(Map.Entry::getKey).toList());
        return duplicated;
    }

    private void readAvailable() {
        if (consumer == null) {
            Map<String, Object> props = new HashMap<>();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
            consumer = new KafkaConsumer<>(props);
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.RESULTS.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            results = new TopicSerdes(registryUrl).valueSerde(Topics.RESULTS).deserializer();
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!caughtUp(end) && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                ExecutionResult result = results.deserialize(record.topic(), record.value());
                if (!fireIds.contains(result.getFireId()) || result.getRunEnd()) {
                    // A run's end is not a delivery; the ledger counts deliveries.
                    continue;
                }
                (result.getOutcome() == Outcome.RETRYING ? retrying : finals)
                        .computeIfAbsent(result.getFireId(), k -> new ArrayList<>()).add(result);
            }
        }
    }

    /**
     * Logs (as ERROR lines starting with DIAG) where the missing fires' schedules stopped: whether a due event was
     * ever committed for them, their last state on punctual.schedules, their partition, the planner's answers to
     * their creates (a refusal names its reason) and the dead-letter topics. It found the thirty-third session's
     * drill failure (creates refused as quota_exceeded, all of them) in one run where the child logs showed nothing.
     */
    private void explainMissing(Set<String> missingFires) {
        Set<String> missingSchedules = missingFires.stream().map(f -> f.substring(0, f.lastIndexOf('@'))).collect(Collectors.toSet());
        Map<String, String> lastState = new HashMap<>();
        Map<String, Integer> schedPartition = new HashMap<>();
        Map<String, Integer> stateRecords = new HashMap<>();
        TopicSerdes serdes = new TopicSerdes(registryUrl);
        var states = serdes.valueSerde(Topics.SCHEDULES).deserializer();
        var dues = serdes.valueSerde(Topics.DUE).deserializer();
        for (String isolation : List.of("read_committed", "read_uncommitted")) {
            Map<String, Integer> dueSeen = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : readAll(Topics.DUE.name(), isolation)) {
                var due = dues.deserialize(r.topic(), r.value());
                if (missingFires.contains(due.getFireId())) {
                    dueSeen.merge(due.getFireId(), 1, Integer::sum);
                }
            }
            LOG.error("DIAG {}: {} of {} missing fires have a due event on {}", isolation, dueSeen.size(), missingFires.size(), Topics.DUE.name());
            if (isolation.equals("read_committed")) {
                for (ConsumerRecord<byte[], byte[]> r : readAll(Topics.SCHEDULES.name(), isolation)) {
                    String key = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
                    if (missingSchedules.contains(key)) {
                        schedPartition.put(key, r.partition());
                        stateRecords.merge(key, 1, Integer::sum);
                        if (r.value() == null) {
                            lastState.put(key, "tombstone@" + r.offset());
                        } else {
                            var st = states.deserialize(r.topic(), r.value());
                            lastState.put(key, st.getStatus() + " v" + st.getVersion() + " next=" + st.getNextFireAt() + " last=" + st.getLastFireId()
                                    + " fires=" + st.getFireCount() + " delivered=" + st.getDeliveredCount() + " created=" + st.getCreatedAt() + " @p" + r.partition() + "/" + r.offset());
                        }
                    }
                }
            }
        }
        Map<Integer, Long> byPartition = schedPartition.values().stream().collect(Collectors.groupingBy(p -> p, Collectors.counting()));
        LOG.error("DIAG missing schedules {} ; with a state {} ; by partition {}", missingSchedules.size(), lastState.size(), byPartition);
        Map<String, Long> byKind = lastState.values().stream().collect(Collectors.groupingBy(v -> v.split(" ")[0] + (v.contains("last=null") ? " unfired" : " fired"), Collectors.counting()));
        LOG.error("DIAG states by kind {}", byKind);
        Map<String, Integer> commandPartition = new HashMap<>();
        Map<String, Integer> commandCount = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(Topics.COMMANDS.name(), "read_committed")) {
            String key = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
            if (missingSchedules.contains(key)) {
                commandPartition.put(key, r.partition());
                commandCount.merge(key, 1, Integer::sum);
            }
        }
        Map<String, Integer> admittedCount = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(Topics.QUOTA_ADMITTED.name(), "read_committed")) {
            String key = r.key() == null ? "" : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
            if (missingSchedules.contains(key)) {
                admittedCount.merge(key, 1, Integer::sum);
            }
        }
        var crs = serdes.valueSerde(Topics.COMMAND_RESULTS).deserializer();
        Map<String, String> cr = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(Topics.COMMAND_RESULTS.name(), "read_committed")) {
            String key = r.key() == null ? "" : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
            if (missingSchedules.contains(key)) {
                var c = crs.deserialize(r.topic(), r.value());
                cr.merge(key, c.getAccepted() + ":" + c.getReason() + "@" + c.getProcessedAt(), (a, b) -> a + "," + b);
            }
        }
        LOG.error("DIAG command results for {} missing: {}", cr.size(), cr.values().stream().map(v -> v.replaceAll("@[^,]*", "")).collect(Collectors.groupingBy(v -> v, Collectors.counting())));
        LOG.error("DIAG dlq {} commands.dlq {}", readAll(Topics.DLQ.name(), "read_committed").size(), readAll(Topics.COMMANDS_DLQ.name(), "read_committed").size());
        LOG.error("DIAG commands by partition {}; admitted copies for {} missing schedules",
                commandPartition.values().stream().collect(Collectors.groupingBy(p -> p, Collectors.counting())), admittedCount.size());
        missingSchedules.stream().sorted().limit(30).forEach(id -> LOG.error("DIAG {} cmdP={} cmds={} admitted={} states={} last={} cr={}", id, commandPartition.get(id),
                commandCount.get(id), admittedCount.get(id), stateRecords.get(id), lastState.get(id), cr.get(id)));
    }

    /** Every record of the topic now, read from the beginning with {@code isolation}, for at most {@code atMost}. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic, String isolation, Duration atMost) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = reader.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            long deadline = System.nanoTime() + atMost.toNanos();
            while (end.entrySet().stream().anyMatch(e -> reader.position(e.getKey()) < e.getValue()) && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, String isolation) {
        List<ConsumerRecord<byte[], byte[]>> all = readAll(bootstrapServers, topic, isolation, Duration.ofSeconds(60));
        LOG.error("DIAG read {} records of {} ({})", all.size(), topic, isolation);
        return all;
    }

    private boolean caughtUp(Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close();
        }
    }
}
