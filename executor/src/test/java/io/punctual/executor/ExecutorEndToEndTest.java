package io.punctual.executor;

import io.micronaut.context.ApplicationContext;
import io.punctual.executor.kafka.DeliveryService;
import io.punctual.executor.support.ExecutorContexts;
import io.punctual.executor.support.Fires;
import io.punctual.executor.support.PlannerStandIn;
import io.punctual.executor.support.TopicTail;
import io.punctual.kernel.letta.LettaMessagesJson;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.LettaStandIn;
import io.punctual.testkit.RecordedRequest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The executor as it runs in production, in a Micronaut context, against a real broker and a real HTTP Letta
 * stand-in: fires produced to {@code punctual.due} come out as calls to Letta and results on {@code punctual.results}.
 */
class ExecutorEndToEndTest {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorEndToEndTest.class);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static KafkaFixture kafka;
    private static LettaStandIn letta;
    private static KeyMaterial keys;
    private static String groupId;
    private static ApplicationContext executor;
    private static PlannerStandIn planner;
    private static TopicTail results;
    private static TopicTail deadLetters;
    private static Fires fires;

    @BeforeAll
    static void start() {
        kafka = KafkaFixture.shared();
        letta = new LettaStandIn();
        keys = KeyMaterial.generate();
        groupId = kafka.uniqueName("executor");
        executor = startExecutor("first");
        DeliveryService service = executor.getBean(DeliveryService.class);
        await("the executor ready").atMost(WAIT).until(service::isReady);
        planner = new PlannerStandIn(kafka);
        results = new TopicTail(kafka, Topics.RESULTS.name());
        deadLetters = new TopicTail(kafka, Topics.DLQ.name());
        fires = new Fires(keys.apiKeyCipher());
    }

    @AfterAll
    static void stop() {
        long started = System.nanoTime();
        executor.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        planner.close();
        results.close();
        deadLetters.close();
        letta.close();
    }

    private static ApplicationContext startExecutor(String instance) {
        // Members learn of a rebalance by heartbeat: frequent ones make a join mid-batch reach the loop mid-batch.
        return ExecutorContexts.start(kafka, keys, letta.baseUrl(), groupId, instance + "-" + UUID.randomUUID(),
                Map.of("kafka.heartbeat.interval.ms", "200"));
    }

    private static String agent() {
        return "agent-" + UUID.randomUUID();
    }

    /** Writes records to {@code punctual.due} in one transaction, as the planner does. */
    private static void publish(List<ProducerRecord<byte[], byte[]>> records) {
        planner.publish(records);
    }

    private static ProducerRecord<byte[], byte[]> due(DueEvent fire) {
        return due(fire, null);
    }

    private static ProducerRecord<byte[], byte[]> due(DueEvent fire, Integer partition) {
        return planner.record(fire, partition);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Waits for a result of each fire and returns them by fire id. */
    private static Map<String, ExecutionResult> awaitResults(List<DueEvent> awaited) {
        Set<String> ids = awaited.stream().map(DueEvent::getFireId).collect(Collectors.toSet());
        // The delivery's own result, not the end of the run it started.
        return results.awaitMatching("results of " + ids, ids.size(), r -> ids.contains(planner.decode(r).getFireId()) && !planner.decode(r).getRunEnd()).stream()
                .map(planner::decode)
                .collect(Collectors.toMap(ExecutionResult::getFireId, Function.identity()));
    }

    private static ExecutionResult awaitResult(DueEvent fire) {
        return awaitResults(List.of(fire)).get(fire.getFireId());
    }

    @Test
    void aDueFireIsDeliveredToLettaAndItsResultWrittenOnce() {
        String agent = agent();
        String apiKey = "sk-let-" + UUID.randomUUID();
        DueEvent fire = fires.fire(agent, apiKey, "Good morning! Time for your daily check-in.");

        publish(List.of(due(fire)));
        ExecutionResult result = awaitResult(fire);

        List<RecordedRequest> calls = letta.messagesTo(agent);
        assertThat(calls).hasSize(1);
        RecordedRequest call = calls.get(0);
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.path()).isEqualTo("/v1/agents/" + agent + "/messages/async");
        assertThat(call.authorization()).isEqualTo("Bearer " + apiKey);
        assertThat(call.json()).isEqualTo(LettaMessagesJson.requestBody((LettaTarget) fire.getTarget()));
        assertThat(call.header("Idempotency-Key")).contains(fire.getFireId());
        assertThat(call.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));

        assertThat(result.getOutcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(result.getHttpStatus()).isEqualTo(200);
        assertThat(result.getLettaRunId()).isEqualTo(call.runId()).startsWith("run-");
        assertThat(result.getScheduleId()).isEqualTo(fire.getScheduleId());
        assertThat(result.getTenant()).isEqualTo("tenant-test");
        assertThat(result.getAgentId()).isEqualTo(agent);
        assertThat(result.getScheduledFor()).isEqualTo(fire.getScheduledFor());
        assertThat(result.getAttempt()).isEqualTo(1);
        assertThat(result.getStartedAt()).isBeforeOrEqualTo(result.getFinishedAt());
        assertThat(results.matching(r -> planner.decode(r).getFireId().equals(fire.getFireId()) && !planner.decode(r).getRunEnd())).singleElement()
                .satisfies(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(fire.getScheduleId()));
    }
    @Test
    void aRefusalByLettaIsAFailedResult() {
        String agent = agent();
        letta.failNext(agent, 400);
        DueEvent fire = fires.fire(agent, "sk-1", "hello");

        publish(List.of(due(fire)));
        ExecutionResult result = awaitResult(fire);

        assertThat(result.getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.getHttpStatus()).isEqualTo(400);
        assertThat(result.getDetail()).startsWith("400 ");
        assertThat(result.getLettaRunId()).isNull();
    }

    @Test
    void aPoisonRecordIsDeadLetteredAndTheNextFireStillDelivered() {
        String agent = agent();
        byte[] poison = utf8("not an Avro DueEvent " + UUID.randomUUID());
        DueEvent next = fires.fire(agent, "sk-1", "after the poison");
        // The same key puts both on one partition, the poison first.
        publish(List.of(new ProducerRecord<>(Topics.DUE.name(), utf8(agent), poison), due(next)));

        ConsumerRecord<byte[], byte[]> dead = deadLetters.awaitMatching("the poison record", 1,
                r -> Arrays.equals(r.value(), poison)).get(0);
        assertThat(dead.key()).isEqualTo(utf8(agent));
        assertThat(header(dead, Topics.HEADER_DLQ_REASON)).startsWith("not a DueEvent");
        assertThat(header(dead, Topics.HEADER_DLQ_SOURCE_TOPIC)).isEqualTo(Topics.DUE.name());
        assertThat(header(dead, Topics.HEADER_DLQ_SOURCE_PARTITION)).matches("\\d+");
        assertThat(header(dead, Topics.HEADER_DLQ_SOURCE_OFFSET)).matches("\\d+");
        assertThat(awaitResult(next).getOutcome()).isEqualTo(Outcome.DELIVERED);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header " + name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void oneAgentsFiresNeverOverlapWhileOtherAgentsRunAlongside() {
        Duration hold = Duration.ofMillis(400);
        String busy = agent();
        String other = agent();
        String third = agent();
        letta.delayResponses(busy, hold);
        letta.delayResponses(other, hold);
        letta.delayResponses(third, hold);
        List<DueEvent> busyFires = List.of(fires.fire(busy, "sk-1", "first"), fires.fire(busy, "sk-1", "second"),
                fires.fire(busy, "sk-1", "third"));
        List<DueEvent> all = new ArrayList<>(busyFires);
        all.add(fires.fire(other, "sk-1", "other"));
        all.add(fires.fire(third, "sk-1", "third agent"));
        // One partition and one transaction: the executor sees them all in one poll, so in one batch.
        publish(all.stream().map(f -> due(f, 0)).toList());

        Map<String, ExecutionResult> byFire = awaitResults(all);

        assertThat(byFire.values()).allSatisfy(r -> assertThat(r.getOutcome()).isEqualTo(Outcome.DELIVERED));
        assertThat(letta.maxConcurrentRequests(busy)).isEqualTo(1);
        List<RecordedRequest> busyCalls = letta.messagesTo(busy);
        assertThat(busyCalls).extracting(c -> c.json().path("messages").path(0).path("content").asText())
                .containsExactly("first", "second", "third");
        for (int i = 1; i < busyFires.size(); i++) {
            ExecutionResult before = byFire.get(busyFires.get(i - 1).getFireId());
            ExecutionResult after = byFire.get(busyFires.get(i).getFireId());
            assertThat(after.getStartedAt()).isAfterOrEqualTo(before.getFinishedAt());
        }
        // The busy agent's second call waits for its first answer; the other agents' calls do not.
        RecordedRequest secondBusyCall = busyCalls.get(1);
        assertThat(letta.messagesTo(other).get(0).receivedAt()).isBefore(secondBusyCall.receivedAt());
        assertThat(letta.messagesTo(third).get(0).receivedAt()).isBefore(secondBusyCall.receivedAt());
    }

    @Test
    void aSecondInstanceJoiningMidBatchLosesNoFireAndDuplicatesNoResult() throws Exception {
        List<DueEvent> batch = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String agent = agent();
            // Slow enough that the batch is still in delivery when the second instance joins.
            letta.delayResponses(agent, Duration.ofMillis(1200));
            batch.add(fires.fire(agent, "sk-1", "fire " + i));
            batch.add(fires.fire(agent, "sk-1", "fire " + i + " again"));
        }
        publish(batch.stream().map(ExecutorEndToEndTest::due).toList());
        await("deliveries in flight").atMost(WAIT).until(() -> letta.requests().stream()
                .anyMatch(r -> ((LettaTarget) batch.get(0).getTarget()).getAgentId().equals(r.agentId())
                        || ((LettaTarget) batch.get(batch.size() - 1).getTarget()).getAgentId().equals(r.agentId())));

        try (ApplicationContext second = startExecutor("second")) {
            awaitResults(batch);
            awaitGroupCaughtUp();
        }

        Set<String> ids = batch.stream().map(DueEvent::getFireId).collect(Collectors.toSet());
        Map<String, Long> resultsPerFire = results.readToEnd().stream().map(planner::decode)
                .filter(r -> ids.contains(r.getFireId()) && !r.getRunEnd())
                .collect(Collectors.groupingBy(ExecutionResult::getFireId, Collectors.counting()));
        assertThat(resultsPerFire).hasSize(batch.size());
        assertThat(resultsPerFire.values()).containsOnly(1L);
        // The first instance committed its batch before handing the partitions over, so nothing was delivered twice.
        assertThat(batch.stream().map(f -> ((LettaTarget) f.getTarget()).getAgentId()).distinct())
                .allSatisfy(agent -> assertThat(letta.messagesTo(agent)).hasSize(2));
    }

    @Test
    void manyFiresForManyAgentsAreEachDeliveredAndRecordedOnce() {
        int agents = 500;
        int firesPerAgent = Integer.getInteger("executor.test.fires-per-agent", 4);
        List<DueEvent> many = new ArrayList<>();
        List<String> agentIds = new ArrayList<>();
        for (int a = 0; a < agents; a++) {
            agentIds.add(agent());
        }
        for (int i = 0; i < firesPerAgent; i++) {
            for (String agent : agentIds) {
                many.add(fires.fire(agent, "sk-1", "fire " + i));
            }
        }
        long started = System.nanoTime();
        publish(many.stream().map(ExecutorEndToEndTest::due).toList());

        Map<String, ExecutionResult> byFire = awaitResults(many);
        double seconds = (System.nanoTime() - started) / 1e9;

        LOG.info("{} fires to {} agents delivered and recorded in {} s: {} fires/s", many.size(), agents,
                String.format("%.2f", seconds), Math.round(many.size() / seconds));
        assertThat(byFire).hasSize(many.size());
        assertThat(byFire.values()).allSatisfy(r -> assertThat(r.getOutcome()).isEqualTo(Outcome.DELIVERED));
        assertThat(agentIds).allSatisfy(agent -> assertThat(letta.maxConcurrentRequests(agent)).isEqualTo(1));
    }

    /**
     * Once no due record is left beyond the group's committed offsets, no further result can appear. The committed
     * offsets alone are no measure: one may stop just before a transaction's commit marker (the executor commits
     * offsets with what it writes, and reading past a marker gives it nothing to write), most likely why this wait
     * once timed out in CI. So the records between each committed offset and the end are read: caught up when none is.
     */
    private static void awaitGroupCaughtUp() {
        await("the executor group committed every due record").atMost(WAIT).until(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed = kafka.admin().listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            if (committed.isEmpty()) {
                return false;
            }
            try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(kafka.consumerProps(kafka.uniqueName("caught-up")))) {
                List<TopicPartition> partitions = reader.partitionsFor(Topics.DUE.name()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                reader.assign(partitions);
                for (TopicPartition p : partitions) {
                    OffsetAndMetadata offset = committed.get(p);
                    reader.seek(p, offset == null ? 0 : offset.offset());
                }
                Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (partitions.stream().anyMatch(p -> reader.position(p) < ends.get(p))) {
                    if (!reader.poll(Duration.ofMillis(100)).isEmpty() || System.nanoTime() > deadline) {
                        return false;
                    }
                }
                return true;
            }
        });
    }
}
