package io.punctual.executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.punctual.executor.kafka.DeliveryService;
import io.punctual.executor.support.ExecutorContexts;
import io.punctual.executor.support.Groups;
import io.punctual.executor.support.TopicTail;
import io.punctual.executor.support.WebhookReceiver;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.config.KafkaSettings;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.kernel.webhook.WebhookSignature;
import io.punctual.planner.PlannerService;
import io.punctual.planner.PlannerSettings;
import io.punctual.schemas.CreateSchedule;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.RetryPolicy;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.WebhookMethod;
import io.punctual.schemas.WebhookTarget;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.LettaStandIn;
import io.punctual.testkit.RecordedRequest;
import io.punctual.testkit.StubbedResponse;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole retry loop with the real planner: a schedule is created by command, the planner fires it, the
 * executor records RETRYING with the time of the next attempt, and the planner's durable retry timer emits that
 * attempt. Nothing in this test plays the planner.
 */
class RetryLoopWithPlannerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static KafkaFixture kafka;
    private static LettaStandIn letta;
    private static KeyMaterial keys;
    private static PlannerService planner;
    private static ApplicationContext executor;
    private static KafkaProducer<byte[], byte[]> commands;
    private static Serializer<ScheduleCommand> commandSerializer;
    private static Deserializer<ExecutionResult> resultDeserializer;
    private static TopicTail results;
    private static WebhookReceiver hooks;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaFixture.shared();
        letta = new LettaStandIn();
        hooks = new WebhookReceiver();
        keys = KeyMaterial.generate();
        TopicSerdes serdes = new TopicSerdes(kafka.schemaRegistryUrl());
        String groupId = kafka.uniqueName("executor-retry-loop");
        Groups.startAtEnd(kafka, groupId, Topics.DUE.name());
        executor = ExecutorContexts.start(kafka, keys, letta.baseUrl(), groupId, "retry-loop-" + UUID.randomUUID(), Map.of(
                ConfigKeys.EXECUTOR_RETRY_BASE_DELAY, "300ms",
                ConfigKeys.EXECUTOR_RETRY_MAX_DELAY, "2s",
                ConfigKeys.WEBHOOK_ALLOW_LOOPBACK, "true"));
        await("the executor ready").atMost(WAIT).until(executor.getBean(DeliveryService.class)::isReady);
        planner = new PlannerService(new KafkaSettings(Map.of("bootstrap.servers", kafka.bootstrapServers())), serdes,
                PlannerSettings.defaults().withApplicationId(kafka.uniqueName("planner"))
                        .withStateDir(Files.createTempDirectory("planner-state")));
        planner.start();
        await("the planner ready").atMost(WAIT).until(planner::isReady);
        commandSerializer = serdes.valueSerde(Topics.COMMANDS).serializer();
        resultDeserializer = serdes.valueSerde(Topics.RESULTS).deserializer();
        Map<String, Object> props = kafka.producerProps();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        commands = new KafkaProducer<>(props);
        results = new TopicTail(kafka, Topics.RESULTS.name());
    }

    @AfterAll
    static void stop() {
        commands.close();
        results.close();
        executor.close();
        planner.stop();
        letta.close();
        hooks.close();
    }

    @Test
    void twoServerErrorsThenSuccessIsDeliveredAtAttemptThreeAfterThePlannersTimers() throws Exception {
        String agent = "agent-" + UUID.randomUUID();
        letta.failNext(agent, 500, 500);
        String scheduleId = createOnceSchedule(agent);

        List<ExecutionResult> history = awaitFinalResult(scheduleId);

        assertThat(history).extracting(ExecutionResult::getOutcome).containsExactly(Outcome.RETRYING, Outcome.RETRYING, Outcome.DELIVERED);
        assertThat(history).extracting(ExecutionResult::getAttempt).containsExactly(1, 2, 3);
        assertThat(history).extracting(ExecutionResult::getFireId).containsOnly(history.get(0).getFireId());
        List<RecordedRequest> calls = letta.messagesTo(agent);
        assertThat(calls).hasSize(3);
        assertThat(calls.get(1).receivedAt()).isAfterOrEqualTo(history.get(0).getNextAttemptAt());
        assertThat(calls.get(2).receivedAt()).isAfterOrEqualTo(history.get(1).getNextAttemptAt());
    }

    @Test
    void retryAfterTwoSecondsIsHonouredThroughThePlanner() throws Exception {
        String agent = "agent-" + UUID.randomUUID();
        letta.respondNext(agent, StubbedResponse.tooManyRequests(Duration.ofSeconds(2)));
        String scheduleId = createOnceSchedule(agent);

        List<ExecutionResult> history = awaitFinalResult(scheduleId);

        assertThat(history).extracting(ExecutionResult::getOutcome).containsExactly(Outcome.RETRYING, Outcome.DELIVERED);
        List<RecordedRequest> calls = letta.messagesTo(agent);
        assertThat(Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aFireFailedForGoodIsNotifiedSignedAndTheNotificationIsRetriedWithTheSameIdAndBody() throws Exception {
        String agent = "agent-" + UUID.randomUUID();
        letta.respondNext(agent, StubbedResponse.status(400).withBody("{\"detail\":\"agent not found\"}"));
        hooks.answerNext(503);
        String scheduleId = "sched-" + UUID.randomUUID();
        String secret = "notify-secret-" + UUID.randomUUID();
        createOnceSchedule(agent, scheduleId, WebhookTarget.newBuilder()
                .setUrl(hooks.url("/notify")).setMethod(WebhookMethod.POST).setHeaders(Map.of()).setBodyJson("{}")
                .setSecretCiphertext(keys.apiKeyCipher().encrypt(secret, scheduleId)).build());

        await("the notification, twice").atMost(WAIT).until(() -> hooks.received("/notify").size() >= 2);

        List<WebhookReceiver.Received> sent = hooks.received("/notify");
        String id = sent.get(0).header("Punctual-Fire-Id");
        assertThat(id).startsWith(scheduleId + "!notify:fire_failed:" + scheduleId + "@");
        assertThat(sent).allSatisfy(r -> {
            assertThat(r.header("Punctual-Fire-Id")).isEqualTo(id);
            assertThat(r.header("Idempotency-Key")).isEqualTo(id);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(new String(sent.get(0).body(), StandardCharsets.UTF_8));
            assertThat(WebhookSignature.verify(r.header("Punctual-Signature"), secret, id,
                    Integer.parseInt(r.header("Punctual-Attempt")), r.body(), Instant.now(), Duration.ofMinutes(5))).isTrue();
        });
        assertThat(sent).extracting(r -> r.header("Punctual-Attempt")).containsExactly("1", "2");
        JsonNode body = new ObjectMapper().readTree(sent.get(0).body());
        assertThat(body.get("kind").asText()).isEqualTo("fire_failed");
        assertThat(body.get("schedule_id").asText()).isEqualTo(scheduleId);
        assertThat(body.get("detail").asText()).contains("agent not found");
    }

    private static String createOnceSchedule(String agent) throws Exception {
        return createOnceSchedule(agent, "sched-" + UUID.randomUUID(), null);
    }

    private static String createOnceSchedule(String agent, String scheduleId, WebhookTarget notify) throws Exception {
        Instant at = Instant.now().plusMillis(500).truncatedTo(ChronoUnit.MILLIS);
        ScheduleSpec spec = ScheduleSpec.newBuilder()
                .setTenant("tenant-retry")
                .setTarget(LettaTarget.newBuilder()
                        .setAgentId(agent)
                        .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("retry loop").build()))
                        .setApiKeyCiphertext(keys.apiKeyCipher().encrypt("sk-retry", scheduleId))
                        .build())
                .setCadence(OnceCadence.newBuilder().setAt(at).build())
                .setRetry(RetryPolicy.newBuilder().setMaxAttempts(5).setMaxAgeMs(3_600_000).build())
                .setNotifyWebhook(notify)
                .build();
        ScheduleCommand command = ScheduleCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setScheduleId(scheduleId)
                .setTenant("tenant-retry")
                .setIssuedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setAction(CreateSchedule.newBuilder().setSpec(spec).build())
                .build();
        commands.send(new ProducerRecord<>(Topics.COMMANDS.name(), scheduleId.getBytes(StandardCharsets.UTF_8),
                commandSerializer.serialize(Topics.COMMANDS.name(), command))).get(10, TimeUnit.SECONDS);
        return scheduleId;
    }

    /** Every result of the schedule's fire, in order, once the final one arrived. */
    private static List<ExecutionResult> awaitFinalResult(String scheduleId) {
        results.awaitMatching("a final result of " + scheduleId, 1, r -> {
            ExecutionResult result = decode(r);
            return result.getScheduleId().equals(scheduleId) && result.getOutcome() != Outcome.RETRYING && !result.getRunEnd();
        });
        // The delivery attempts, not the end of the run the last one started.
        return results.matching(r -> decode(r).getScheduleId().equals(scheduleId)).stream().map(RetryLoopWithPlannerTest::decode)
                .filter(r -> !r.getRunEnd()).toList();
    }

    private static ExecutionResult decode(ConsumerRecord<byte[], byte[]> record) {
        return resultDeserializer.deserialize(Topics.RESULTS.name(), record.value());
    }
}
