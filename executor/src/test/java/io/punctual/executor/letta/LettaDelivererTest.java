package io.punctual.executor.letta;

import io.micronaut.context.ApplicationContext;
import io.punctual.executor.delivery.Attempt;
import io.punctual.executor.delivery.Deliverer;
import io.punctual.executor.retry.FailedAttempts;
import io.punctual.executor.support.Fires;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.OverlapPolicy;
import io.punctual.testkit.LettaStandIn;
import io.punctual.testkit.RecordedRequest;
import io.punctual.testkit.StubbedResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Letta deliverer against a real HTTP stand-in, without Kafka: every kind of outcome becomes a result. */
class LettaDelivererTest {
    // Generous enough for a cold first request on a busy two-core machine.
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    /** The deliverers stamp times from the context's clock: fixed here, so results carry these exact times. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-02T03:04:05Z"), ZoneOffset.UTC);

    private static LettaStandIn letta;
    private static ApplicationContext context;
    private static Deliverer deliverer;
    private static Fires fires;

    @BeforeAll
    static void start() {
        letta = new LettaStandIn();
        KeyMaterial keys = KeyMaterial.generate();
        context = ApplicationContext.builder().singletons(CLOCK).properties(Map.of(
                ConfigKeys.EXECUTOR_ENABLED, "false",
                ConfigKeys.PLANNER_ENABLED, "false",
                ConfigKeys.KEYSET_JSON, keys.toJson(),
                ConfigKeys.LETTA_BASE_URL, letta.baseUrl(),
                ConfigKeys.EXECUTOR_REQUEST_TIMEOUT, REQUEST_TIMEOUT.toMillis() + "ms",
                ConfigKeys.EXECUTOR_REPLY_MAX_CHARS, "10",
                ConfigKeys.EXECUTOR_LETTA_ALLOWED_BASE_URLS, "http://127.0.0.1:1, https://letta.example.org/")).start();
        deliverer = context.getBean(Deliverer.class);
        fires = new Fires(keys.apiKeyCipher());
    }

    @AfterAll
    static void stop() {
        context.close();
        letta.close();
    }

    private static String agent() {
        return "agent-" + UUID.randomUUID();
    }

    private static ExecutionResult deliver(DueEvent fire) throws Exception {
        return attempt(fire).result();
    }

    private static Attempt attempt(DueEvent fire) throws Exception {
        return deliverer.deliver(fire).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSyncTargetIsSentToTheWaitingCall() throws Exception {
        letta.replyWith("OK, noted and done");
        String agent = agent();
        DueEvent fire = fires.fire(agent, "sk-sync", "hello", DeliveryMode.SYNC, null);

        ExecutionResult result = deliver(fire);

        assertThat(result.getOutcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(result.getHttpStatus()).isEqualTo(200);
        assertThat(result.getLettaRunId()).isNull();
        // The stand-in's reply "OK, noted and done" cut to the configured 10 characters.
        assertThat(result.getReply()).isEqualTo("OK, noted ");
        assertThat(result.getStartedAt()).isEqualTo(CLOCK.instant());
        assertThat(result.getFinishedAt()).isEqualTo(CLOCK.instant());
        assertThat(result.getRunFinishedAt()).as("a sync answer is the run's end, stamped by the same clock").isEqualTo(CLOCK.instant());
        assertThat(letta.messagesTo(agent)).singleElement().satisfies(request -> {
            assertThat(request.path()).isEqualTo("/v1/agents/" + agent + "/messages");
            assertThat(request.apiKey()).isEqualTo("sk-sync");
        });
    }

    @Test
    void aServerErrorIsAFailureWithTheAnswerInTheDetail() throws Exception {
        String agent = agent();
        letta.failNext(agent, 503);

        ExecutionResult result = deliver(fires.fire(agent, "sk-1", "hello"));

        assertThat(result.getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.getHttpStatus()).isEqualTo(503);
        assertThat(result.getDetail()).startsWith("503 ").contains("stand-in scripted status 503");
        assertThat(result.getDetail()).doesNotContain("sk-1");
    }

    @Test
    void aLongAnswerIsCutInTheDetail() throws Exception {
        String agent = agent();
        letta.respondNext(agent, StubbedResponse.status(500).withBody("x".repeat(5_000)));

        ExecutionResult result = deliver(fires.fire(agent, "sk-1", "hello"));

        assertThat(result.getDetail()).hasSize("500 ".length() + FailedAttempts.MAX_DETAIL_BODY_CHARS);
    }

    @Test
    void anUnreachableServerIsAFailureWithoutStatus() throws Exception {
        // The schedule's own base URL wins over the configured one; nothing listens on port 1.
        ExecutionResult result = deliver(fires.fire(agent(), "sk-1", "hello", DeliveryMode.ASYNC, "http://127.0.0.1:1"));

        assertThat(result.getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.getHttpStatus()).isNull();
        assertThat(result.getDetail()).isNotBlank();
    }

    @Test
    void anAnswerLaterThanTheRequestTimeoutIsAFailure() throws Exception {
        String agent = agent();
        letta.delayResponses(agent, REQUEST_TIMEOUT.multipliedBy(5));

        ExecutionResult result = deliver(fires.fire(agent, "sk-1", "hello"));

        assertThat(result.getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.getHttpStatus()).isNull();
        assertThat(result.getDetail()).contains("no answer within " + REQUEST_TIMEOUT.toMillis() + " ms");
        assertThat(Duration.between(result.getStartedAt(), result.getFinishedAt())).isLessThan(REQUEST_TIMEOUT.multipliedBy(2));
    }

    @Test
    void aKeyThatDoesNotDecryptIsAFailureWithoutACall() throws Exception {
        String agent = agent();
        DueEvent fire = fires.fire(agent, "sk-1", "hello");
        // A ciphertext is bound to its schedule: moved to another schedule it must not decrypt.
        DueEvent moved = DueEvent.newBuilder(fire).setScheduleId("another-schedule").build();
        ((LettaTarget) moved.getTarget()).setApiKeyCiphertext(ByteBuffer.wrap(((LettaTarget) fire.getTarget()).getApiKeyCiphertext().array()));

        ExecutionResult result = deliver(moved);

        assertThat(result.getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.getDetail()).isEqualTo("api key could not be decrypted");
        assertThat(result.getHttpStatus()).isNull();
        assertThat(letta.messagesTo(agent)).isEmpty();
    }

    @Test
    void theIdempotencyKeyIsTheFireId() throws Exception {
        String agent = agent();
        DueEvent fire = fires.fire(agent, "sk-1", "hello");

        deliver(fire);

        RecordedRequest request = letta.messagesTo(agent).get(0);
        assertThat(request.header("Idempotency-Key")).contains(fire.getFireId());
    }

    @Test
    void serverErrorsAndThrottlingMayBeRetriedRefusalsMayNot() throws Exception {
        String agent = agent();
        letta.respondNext(agent, StubbedResponse.tooManyRequests(Duration.ofSeconds(7)), StubbedResponse.status(500),
                StubbedResponse.status(408), StubbedResponse.status(400), StubbedResponse.status(401), StubbedResponse.status(403));

        Attempt throttled = attempt(fires.fire(agent, "sk-1", "a"));
        assertThat(throttled.retryable()).isTrue();
        assertThat(throttled.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(attempt(fires.fire(agent, "sk-1", "b")).retryable()).isTrue();
        assertThat(attempt(fires.fire(agent, "sk-1", "c")).retryable()).isTrue();
        assertThat(attempt(fires.fire(agent, "sk-1", "d")).retryable()).isFalse();
        assertThat(attempt(fires.fire(agent, "sk-1", "e")).retryable()).isFalse();
        assertThat(attempt(fires.fire(agent, "sk-1", "f")).retryable()).isFalse();
    }

    @Test
    void aConnectionFailureMayBeRetried() throws Exception {
        Attempt attempt = attempt(fires.fire(agent(), "sk-1", "hello", DeliveryMode.ASYNC, "http://127.0.0.1:1"));

        assertThat(attempt.failed()).isTrue();
        assertThat(attempt.retryable()).isTrue();
    }

    @Test
    void aBaseUrlOffTheAllowListIsRefusedWithoutACall() throws Exception {
        String agent = agent();
        Attempt attempt = attempt(fires.fire(agent, "sk-1", "hello", DeliveryMode.ASYNC, "http://169.254.169.254"));

        assertThat(attempt.failed()).isTrue();
        assertThat(attempt.retryable()).isFalse();
        assertThat(attempt.result().getDetail()).contains("not on the allow-list");
        assertThat(letta.messagesTo(agent)).isEmpty();
    }

    @Test
    void overlapSkipAsksForThePreviousRunAndSkipsWhileItRuns() throws Exception {
        String agent = agent();
        ExecutionResult first = deliver(fires.fire(agent, "sk-1", "first"));
        String runId = first.getLettaRunId();
        letta.runStatus(runId, "running");
        DueEvent second = DueEvent.newBuilder(fires.fire(agent, "sk-1", "second"))
                .setOverlap(OverlapPolicy.SKIP).setPreviousLettaRunId(runId).build();

        ExecutionResult skipped = deliver(second);

        assertThat(skipped.getOutcome()).isEqualTo(Outcome.SKIPPED_OVERLAP);
        assertThat(letta.messagesTo(agent)).hasSize(1);
        assertThat(letta.requests()).anySatisfy(r -> assertThat(r.path()).isEqualTo("/v1/runs/" + runId));

        letta.runStatus(runId, "completed");
        assertThat(deliver(second).getOutcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(letta.messagesTo(agent)).hasSize(2);
    }
}
