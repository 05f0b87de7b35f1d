package io.punctual.gateway.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.punctual.gateway.body.BodyBinder;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.FieldError;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.kafkatarget.KafkaTopicPolicy;
import io.punctual.kernel.webhook.WebhookUrlPolicy;
import io.punctual.schemas.CatchupPolicy;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.ScheduleSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The typed /v1 body (records, Bean Validation, {@link BodyBinder}) without a server or a broker: every mistake is
 * named at once by its JSON path, wrong JSON types and unknown fields included, and a valid body becomes its spec.
 */
class ScheduleBodyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final RequestLimits LIMITS = new RequestLimits(65536, 100,
            new WebhookUrlPolicy(false, false, Set.of(), Set.of()), new KafkaTopicPolicy(List.of("user."), List.of()));
    private static final Sealer SEALER = Sealer.apiKeyOnly(() -> ByteBuffer.wrap(new byte[] {1}));
    private static ApplicationContext context;
    private static BodyBinder bodies;

    @BeforeAll
    static void start() {
        // Only the validator is needed: no service is started (the planner and executor are on the test class path).
        context = ApplicationContext.builder().deduceEnvironment(false).properties(Map.of(ConfigKeys.GATEWAY_ENABLED, "false",
                ConfigKeys.PLANNER_ENABLED, "false", ConfigKeys.EXECUTOR_ENABLED, "false", "micronaut.server.port", -1)).start();
        bodies = context.getBean(BodyBinder.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @Test
    void aValidBodyBecomesItsSpecWithTheDefaults() throws Exception {
        ScheduleRequest request = parse("{\"agent_id\": \"agent-1\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                + " \"schedule\": {\"type\": \"cron\", \"expression\": \" 0 9 * * 1-5 \"}, \"timezone\": \"Europe/Berlin\","
                + " \"catchup\": \"fire_once\", \"jitter\": \"30s\", \"labels\": {\"team\": \"ops\"}, \"paused\": true}");
        ScheduleSpec spec = request.spec();
        assertThat(((LettaTarget) spec.getTarget()).getAgentId()).isEqualTo("agent-1");
        assertThat((CronCadence) spec.getCadence()).satisfies(c -> {
            assertThat(c.getExpression()).isEqualTo("0 9 * * 1-5");
            assertThat(c.getTimezone()).isEqualTo("Europe/Berlin");
        });
        assertThat(spec.getCatchup()).isEqualTo(CatchupPolicy.FIRE_ONCE);
        assertThat(spec.getCatchupWindowMs()).isEqualTo(3_600_000L);
        assertThat(spec.getJitterMs()).isEqualTo(30_000L);
        assertThat(spec.getRetry().getMaxAttempts()).isEqualTo(5);
        assertThat(spec.getPauseAfterFailures()).isEqualTo(10);
        assertThat(spec.getLabels()).containsEntry("team", "ops");
        assertThat(request.paused()).isTrue();
    }

    @Test
    void everyMistakeIsNamedAtOnceWrongTypesAndUnknownFieldsIncluded() {
        Map<String, String> errors = errors("{\"agent_id\": \"bad id\", \"messages\": [{\"role\": \"robot\", \"content\": \"hi\"}],"
                + " \"schedule\": {\"type\": \"interval\", \"every\": \"15m\", \"at\": 5}, \"colour\": \"blue\","
                + " \"paused\": \"yes\", \"max_runs\": \"5\", \"labels\": {\"a\": 1}, \"catchup\": \"sometimes\","
                + " \"retry\": {\"max_attempts\": 1.5, \"x\": true}, \"jitter\": \"soon\", \"timezone\": 3}");
        assertThat(errors).containsOnlyKeys("agent_id", "messages[0].role", "schedule.at", "colour", "paused", "max_runs",
                "labels.a", "catchup", "retry.max_attempts", "retry.x", "jitter", "timezone");
        assertThat(errors.get("paused")).isEqualTo("must be true or false");
        assertThat(errors.get("labels.a")).isEqualTo("must be a string");
        assertThat(errors.get("timezone")).isEqualTo("must be a string");
        assertThat(errors.get("catchup")).isEqualTo("must be one of skip, fire_once, fire_all");
        assertThat(errors.get("retry.max_attempts")).isEqualTo("must be an integer from 1 to 100");
        assertThat(errors.get("retry.x")).isEqualTo("is not a known field; known fields are max_age, max_attempts");
        assertThat(errors.get("schedule.at")).isEqualTo("is not a known field; known fields are anchor, every, type");
    }

    @Test
    void aTargetIsNamedByItsPathWhereverItsTypeIs() {
        Map<String, String> errors = errors("{\"target\": {\"agent_id\": \"a\", \"zzz\": 1, \"type\": \"letta\", \"max_steps\": 0,"
                + " \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}, \"schedule\": {\"type\": \"interval\", \"every\": \"1h\"}}");
        assertThat(errors).containsOnlyKeys("target.zzz", "target.max_steps");
        assertThat(errors.get("target.zzz")).isEqualTo("is not a known field; known fields are agent_id, callback_url,"
                + " include_return_message_types, max_steps, messages, mode, type");
        assertThat(errors.get("target.max_steps")).isEqualTo("must be a positive integer");

        assertThat(errors("{\"target\": {\"url\": \"https://example.com/\"}, \"schedule\": {\"type\": \"interval\", \"every\": \"1h\"}}"))
                .containsOnlyKeys("target.type").containsValue("must be one of letta, webhook, kafka");
        assertThat(errors("{\"target\": \"letta\", \"schedule\": [1]}")).containsOnlyKeys("target", "schedule");
        assertThat(errors("{\"target\": {\"type\": \"webhook\"}, \"agent_id\": \"a\", \"schedule\": {\"type\": \"weekly\"}}"))
                .containsOnlyKeys("target", "schedule.type");
        assertThat(errors("{\"target\": {\"type\": \"kafka\", \"topic\": \"punctual.commands\"}, \"schedule\": {\"type\": \"interval\", \"every\": \"500ms\"}}"))
                .containsOnlyKeys("target.topic", "target.value", "schedule.every");
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefusedAsTheBody() throws Exception {
        ApiProblem problem = catchThrowableOfType(() -> parse("[1, 2]"), ApiProblem.class);
        assertThat(problem.errors()).extracting(FieldError::field).containsExactly("body");
    }

    private static ScheduleRequest parse(String body) throws Exception {
        JsonNode json = JSON.readTree(body);
        return ScheduleRequest.parse(json, "t_1", LIMITS, SEALER, NOW, bodies);
    }

    private static Map<String, String> errors(String body) {
        ApiProblem problem = catchThrowableOfType(() -> parse(body), ApiProblem.class);
        assertThat(problem).as(body).isNotNull();
        return problem.errors().stream().collect(Collectors.toMap(FieldError::field, FieldError::message));
    }
}
