package io.punctual.executor;

import io.micronaut.context.ApplicationContext;
import io.punctual.executor.kafka.DeadLetters;
import io.punctual.executor.kafka.DeliveryService;
import io.punctual.executor.kafka.UserTopicRecords;
import io.punctual.executor.support.ExecutorContexts;
import io.punctual.executor.support.Fires;
import io.punctual.executor.support.Groups;
import io.punctual.executor.support.PlannerStandIn;
import io.punctual.executor.support.TopicTail;
import io.punctual.executor.support.WebhookReceiver;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.OverlapPolicy;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.RetryPolicy;
import io.punctual.schemas.WebhookMethod;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.topic.Topics;
import io.punctual.kernel.webhook.WebhookSignature;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.LettaStandIn;
import io.punctual.testkit.RecordedRequest;
import io.punctual.testkit.StubbedResponse;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retries, dead letters, overlap, de-duplication and the webhook and Kafka targets, end to end: the executor in
 * its Micronaut context on the embedded broker, real HTTP stand-ins, and this test writing due events the way
 * the planner does (including the next attempt of a retried fire, at its {@code next_attempt_at}).
 */
class DeliveryEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration RETRY_BASE = Duration.ofMillis(300);

    private static KafkaFixture kafka;
    private static LettaStandIn letta;
    private static WebhookReceiver webhooks;
    private static ApplicationContext executor;
    private static PlannerStandIn planner;
    private static TopicTail results;
    private static TopicTail deadLetters;
    private static Fires fires;

    @BeforeAll
    static void start() {
        kafka = KafkaFixture.shared();
        letta = new LettaStandIn();
        webhooks = new WebhookReceiver();
        KeyMaterial keys = KeyMaterial.generate();
        String groupId = kafka.uniqueName("executor-delivery");
        Groups.startAtEnd(kafka, groupId, Topics.DUE.name());
        executor = ExecutorContexts.start(kafka, keys, letta.baseUrl(), groupId, "delivery-" + UUID.randomUUID(), Map.of(
                ConfigKeys.EXECUTOR_RETRY_BASE_DELAY, RETRY_BASE.toMillis() + "ms",
                ConfigKeys.EXECUTOR_RETRY_MAX_DELAY, "2s",
                ConfigKeys.WEBHOOK_ALLOW_LOOPBACK, "true",
                ConfigKeys.KAFKA_TARGET_ALLOWED_TOPIC_PREFIXES, "user-topic-,no-such-topic-"));
        await("the executor ready").atMost(WAIT).until(executor.getBean(DeliveryService.class)::isReady);
        planner = new PlannerStandIn(kafka);
        results = new TopicTail(kafka, Topics.RESULTS.name());
        deadLetters = new TopicTail(kafka, Topics.DLQ.name());
        fires = new Fires(keys.apiKeyCipher());
    }

    @AfterAll
    static void stop() {
        executor.close();
        planner.close();
        results.close();
        deadLetters.close();
        letta.close();
        webhooks.close();
    }

    // ---- retries ---------------------------------------------------------------------------------------------

    @Test
    void twoServerErrorsThenSuccessIsDeliveredAtAttemptThreeWithTheBackoffRespected() {
        String agent = agent();
        letta.failNext(agent, 500, 500);
        DueEvent fire = fires.fire(agent, "sk-1", "retry me");

        planner.publish(fire);
        ExecutionResult first = awaitResult(fire, 1);
        assertRetrying(first, Duration.ZERO, RETRY_BASE);

        publishWhenDue(Fires.attempt(fire, 2), first.getNextAttemptAt());
        ExecutionResult second = awaitResult(fire, 2);
        assertRetrying(second, Duration.ZERO, RETRY_BASE.multipliedBy(2));

        publishWhenDue(Fires.attempt(fire, 3), second.getNextAttemptAt());
        ExecutionResult third = awaitResult(fire, 3);
        assertThat(third.getOutcome()).isEqualTo(Outcome.DELIVERED);

        List<RecordedRequest> calls = letta.messagesTo(agent);
        assertThat(calls).hasSize(3).allSatisfy(c -> assertThat(c.header("Idempotency-Key")).contains(fire.getFireId()));
        assertThat(calls.get(1).receivedAt()).isAfterOrEqualTo(first.getNextAttemptAt());
        assertThat(calls.get(2).receivedAt()).isAfterOrEqualTo(second.getNextAttemptAt());
        assertThat(resultsOf(fire)).extracting(ExecutionResult::getOutcome)
                .containsExactly(Outcome.RETRYING, Outcome.RETRYING, Outcome.DELIVERED);
    }

    @Test
    void retryAfterIsHonouredWhileOtherAgentsFiresGoAhead() {
        String throttled = agent();
        String other = agent();
        letta.respondNext(throttled, StubbedResponse.tooManyRequests(Duration.ofSeconds(2)));
        DueEvent fire = fires.fire(throttled, "sk-1", "throttled");

        planner.publish(fire);
        ExecutionResult first = awaitResult(fire, 1);
        assertThat(first.getOutcome()).isEqualTo(Outcome.RETRYING);
        assertThat(first.getHttpStatus()).isEqualTo(429);
        assertThat(first.getNextAttemptAt()).isAfterOrEqualTo(first.getFinishedAt().plusSeconds(2));

        // The retry is a timer in the planner, not a wait in the executor: the next fire, on any agent, goes at once.
        DueEvent meanwhile = fires.fire(other, "sk-1", "not held up");
        planner.publish(meanwhile);
        ExecutionResult otherResult = awaitResult(meanwhile, 1);
        assertThat(otherResult.getOutcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(otherResult.getFinishedAt()).isBefore(first.getNextAttemptAt());

        publishWhenDue(Fires.attempt(fire, 2), first.getNextAttemptAt());
        assertThat(awaitResult(fire, 2).getOutcome()).isEqualTo(Outcome.DELIVERED);
        List<RecordedRequest> calls = letta.messagesTo(throttled);
        assertThat(Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aRefusalFailsAtOnceWithOneDeadLetterCarryingItsContext() {
        String agent = agent();
        letta.respondNext(agent, StubbedResponse.status(400).withBody("{\"detail\":\"bad message\"}"));
        DueEvent fire = fires.fire(agent, "sk-1", "refused");

        planner.publish(fire);
        ExecutionResult result = awaitResult(fire, 1);

        assertThat(result.getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.getHttpStatus()).isEqualTo(400);
        List<ConsumerRecord<byte[], byte[]>> dead = deadLetters.awaitMatching("the dead letter", 1,
                r -> fire.getFireId().equals(header(r, DeadLetters.HEADER_FIRE_ID)));
        assertThat(dead).hasSize(1);
        ConsumerRecord<byte[], byte[]> letter = dead.get(0);
        assertThat(header(letter, DeadLetters.HEADER_HTTP_STATUS)).isEqualTo("400");
        assertThat(header(letter, DeadLetters.HEADER_ATTEMPTS)).isEqualTo("1");
        assertThat(header(letter, DeadLetters.HEADER_SCHEDULE_ID)).isEqualTo(fire.getScheduleId());
        assertThat(header(letter, Topics.HEADER_DLQ_REASON)).contains("400").contains("bad message");
        assertThat(letter.value()).isEqualTo(planner.serialize(fire));
        assertThat(letta.messagesTo(agent)).hasSize(1);
        assertThat(resultsOf(fire)).hasSize(1);
    }

    @Test
    void theLastAllowedAttemptFailsForGood() {
        String agent = agent();
        letta.failNext(agent, 503);
        DueEvent fire = DueEvent.newBuilder(fires.fire(agent, "sk-1", "last chance"))
                .setRetry(RetryPolicy.newBuilder().setMaxAttempts(2).setMaxAgeMs(3_600_000).build()).setAttempt(2).build();

        planner.publish(fire);
        ExecutionResult result = awaitResult(fire, 2);

        assertThat(result.getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.getDetail()).startsWith("gave up after attempt 2 of 2: 503");
        assertThat(deadLetters.awaitMatching("the dead letter", 1, r -> fire.getFireId().equals(header(r, DeadLetters.HEADER_FIRE_ID)))).hasSize(1);
    }

    // ---- one agent at a time, overlap ------------------------------------------------------------------------

    @Test
    void twoFiresToOneAgentAtTheSameInstantAreNeverInFlightTogether() {
        String agent = agent();
        letta.delayResponses(agent, Duration.ofMillis(300));
        DueEvent a = fires.fire(agent, "sk-1", "a");
        DueEvent b = fires.fire(agent, "sk-1", "b");
        b = DueEvent.newBuilder(b).setScheduledFor(a.getScheduledFor()).build();

        planner.publish(a, b);
        awaitResult(a, 1);
        awaitResult(b, 1);

        assertThat(letta.messagesTo(agent)).hasSize(2);
        assertThat(letta.maxConcurrentRequests(agent)).isEqualTo(1);
    }

    @Test
    void overlapSkipWhileThePreviousRunIsStillRunningIsSkipped() {
        String agent = agent();
        DueEvent first = fires.fire(agent, "sk-1", "first");
        planner.publish(first);
        String runId = awaitResult(first, 1).getLettaRunId();
        letta.runStatus(runId, "running");
        DueEvent second = DueEvent.newBuilder(fires.fire(agent, "sk-1", "second"))
                .setOverlap(OverlapPolicy.SKIP).setPreviousLettaRunId(runId).build();

        planner.publish(second);
        ExecutionResult result = awaitResult(second, 1);

        assertThat(result.getOutcome()).isEqualTo(Outcome.SKIPPED_OVERLAP);
        assertThat(letta.messagesTo(agent)).hasSize(1);
    }

    // ---- exactly-once records ---------------------------------------------------------------------------------

    @Test
    void aFireSeenAgainAfterItsResultIsNeitherDeliveredNorRecordedAgain() {
        String agent = agent();
        DueEvent fire = fires.fire(agent, "sk-1", "once");
        planner.publish(fire);
        awaitResult(fire, 1);

        planner.publish(fire);
        // A later fire on the same agent, so the same partition: once its result is in, the repeat was read.
        DueEvent marker = fires.fire(agent, "sk-1", "marker");
        planner.publish(marker);
        awaitResult(marker, 1);

        assertThat(resultsOf(fire)).hasSize(1);
        assertThat(letta.messagesTo(agent)).hasSize(2);
    }

    // ---- webhook and Kafka targets -----------------------------------------------------------------------------

    @Test
    void aSignedWebhookIsDeliveredWithItsIdempotencyKeyAndAVerifiableSignature() throws Exception {
        String secret = "whsec-" + UUID.randomUUID();
        String body = "{\"event\":\"tick\",\"n\":1}";
        DueEvent fire = fires.webhookFire(webhooks.url("/hooks/signed"), WebhookMethod.PUT, Map.of("X-Team", "blue"), body, secret);

        planner.publish(fire);
        ExecutionResult result = awaitResult(fire, 1);

        assertThat(result.getOutcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(result.getTargetType()).isEqualTo("webhook");
        assertThat(result.getAgentId()).isNull();
        WebhookReceiver.Received request = webhooks.received("/hooks/signed").get(0);
        assertThat(request.method()).isEqualTo("PUT");
        assertThat(new String(request.body(), StandardCharsets.UTF_8)).isEqualTo(body);
        assertThat(request.header("Idempotency-Key")).isEqualTo(fire.getFireId());
        assertThat(request.header("X-Team")).isEqualTo("blue");
        assertThat(request.header("Punctual-Fire-Id")).isEqualTo(fire.getFireId());
        assertThat(request.header("Punctual-Attempt")).isEqualTo("1");
        String signature = request.header("Punctual-Signature");
        // The documented algorithm, computed here independently:
        // t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>\n<fire id>\n<attempt>\n<body>")>.
        assertThat(signature).matches("t=\\d+,v1=[0-9a-f]{64}");
        String t = signature.substring(2, signature.indexOf(','));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signed = t + "\n" + fire.getFireId() + "\n1\n" + body;
        String expected = HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        assertThat(signature).endsWith(",v1=" + expected);
        assertThat(WebhookSignature.verify(signature, secret, request.header("Punctual-Fire-Id"), 1, request.body(), Instant.now(), Duration.ofMinutes(5))).isTrue();
        assertThat(WebhookSignature.verify(signature, "another secret", fire.getFireId(), 1, request.body(), Instant.now(), Duration.ofMinutes(5))).isFalse();
        // The same body and signature replayed as another fire of the schedule do not verify.
        assertThat(WebhookSignature.verify(signature, secret, fire.getScheduleId() + "@0", 1, request.body(), Instant.now(), Duration.ofMinutes(5))).isFalse();
    }

    @Test
    void aWebhookServerErrorIsRetried() {
        webhooks.answerNext(502);
        DueEvent fire = fires.webhookFire(webhooks.url("/hooks/flaky"), WebhookMethod.POST, Map.of(), "{}", null);

        planner.publish(fire);
        ExecutionResult first = awaitResult(fire, 1);
        assertThat(first.getOutcome()).isEqualTo(Outcome.RETRYING);
        assertThat(first.getHttpStatus()).isEqualTo(502);

        publishWhenDue(Fires.attempt(fire, 2), first.getNextAttemptAt());
        assertThat(awaitResult(fire, 2).getOutcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(webhooks.received("/hooks/flaky")).hasSize(2).allSatisfy(r -> assertThat(r.header("Punctual-Signature")).isNull());
    }

    @Test
    void aKafkaTargetPutsEachMessageOnTheUserTopicOnce() throws Exception {
        String topic = kafka.uniqueName("user-topic");
        kafka.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
        DueEvent fire = fires.kafkaFire(topic, "the-key", "{\"hello\":\"kafka\"}");
        DueEvent second = fires.kafkaFire(topic, null, "{\"n\":2}");

        planner.publish(fire);
        planner.publish(fire); // seen again: must not produce a second record
        planner.publish(second);
        assertThat(awaitResult(fire, 1).getOutcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(awaitResult(second, 1).getTargetType()).isEqualTo("kafka");

        try (TopicTail user = new TopicTail(kafka, topic)) {
            List<ConsumerRecord<byte[], byte[]>> records = user.awaitMatching("both user records", 2, r -> true);
            assertThat(user.readToEnd()).hasSize(2);
            assertThat(new String(records.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("the-key");
            assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{\"hello\":\"kafka\"}");
            assertThat(header(records.get(0), UserTopicRecords.FIRE_ID_HEADER)).isEqualTo(fire.getFireId());
            assertThat(header(records.get(0), "source")).isEqualTo("punctual-test");
            assertThat(new String(records.get(1).key(), StandardCharsets.UTF_8)).isEqualTo(second.getScheduleId());
        }
    }

    @Test
    void aKafkaTargetOnAReservedOrMissingTopicFails() {
        DueEvent reserved = fires.kafkaFire(Topics.RESULTS.name(), null, "{}");
        DueEvent missing = fires.kafkaFire(kafka.uniqueName("no-such-topic"), null, "{}");

        planner.publish(reserved, missing);

        assertThat(awaitResult(reserved, 1).getDetail()).contains("reserved");
        assertThat(awaitResult(missing, 1).getDetail()).contains("does not exist");
    }

    /**
     * Due events can reach the executor without the gateway or the planner (anyone who can write punctual.due), so
     * the executor applies the operator's allow-list itself: the registry's {@code _schemas}, a Streams changelog and
     * another application's existing topic all fail for good and receive nothing.
     */
    @Test
    void aKafkaTargetOutsideTheAllowListFailsForGoodAndWritesNothing() throws Exception {
        String foreign = kafka.uniqueName("other-app-orders");
        kafka.admin().createTopics(List.of(new NewTopic(foreign, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
        DueEvent schemas = fires.kafkaFire("_schemas", null, "{\"schema\":\"overwritten\"}");
        DueEvent changelog = fires.kafkaFire("punctual-planner-schedules-changelog", null, "{}");
        DueEvent notAllowed = fires.kafkaFire(foreign, null, "{\"stolen\":true}");

        planner.publish(schemas, changelog, notAllowed);

        for (DueEvent fire : List.of(schemas, changelog, notAllowed)) {
            ExecutionResult result = awaitResult(fire, 1);
            assertThat(result.getOutcome()).as(fire.getFireId()).isEqualTo(Outcome.FAILED);
            deadLetters.awaitMatching("the dead letter of " + fire.getFireId(), 1,
                    r -> fire.getFireId().equals(header(r, DeadLetters.HEADER_FIRE_ID)));
        }
        assertThat(awaitResult(schemas, 1).getDetail()).contains("reserved");
        assertThat(awaitResult(changelog, 1).getDetail()).contains("reserved");
        assertThat(awaitResult(notAllowed, 1).getDetail()).contains("not allowed");
        try (TopicTail foreignTopic = new TopicTail(kafka, foreign)) {
            assertThat(foreignTopic.readToEnd()).isEmpty();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static void assertRetrying(ExecutionResult result, Duration atLeast, Duration atMost) {
        assertThat(result.getOutcome()).isEqualTo(Outcome.RETRYING);
        assertThat(result.getNextAttemptAt()).isNotNull();
        Duration delay = Duration.between(result.getFinishedAt(), result.getNextAttemptAt());
        // Full jitter: anywhere from nothing up to the step (plus the time between the answer and the decision).
        assertThat(delay).isBetween(atLeast, atMost.plusMillis(200));
    }

    private static String agent() {
        return "agent-" + UUID.randomUUID();
    }

    /** What the planner does with a RETRYING result: emit the next attempt once its time has come. */
    private static void publishWhenDue(DueEvent next, Instant at) {
        await("the retry's time").atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> !Instant.now().isBefore(at));
        planner.publish(next);
    }

    private static ExecutionResult awaitResult(DueEvent fire, int attempt) {
        return planner.decode(results.awaitMatching("the result of " + fire.getFireId() + " attempt " + attempt, 1, r -> {
            ExecutionResult result = planner.decode(r);
            return result.getFireId().equals(fire.getFireId()) && result.getAttempt() == attempt && !result.getRunEnd();
        }).get(0));
    }

    private static List<ExecutionResult> resultsOf(DueEvent fire) {
        // The delivery attempts, not the ends of the Letta runs they started (RunTrackingTest covers those).
        return results.readToEnd().stream().map(planner::decode).filter(r -> r.getFireId().equals(fire.getFireId()) && !r.getRunEnd()).toList();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
