package io.punctual.planner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.WebhookMethod;
import io.punctual.schemas.WebhookTarget;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A schedule's notify_webhook hears of a fire failed for good, a Letta run that failed and an auto-pause: each a due
 * event to that webhook with a deterministic id, retried (same body) like a fire, and not counted as a fire.
 */
class NotificationTest extends PlannerTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WebhookTarget HOOK = WebhookTarget.newBuilder().setUrl("https://hooks.example.com/punctual")
            .setMethod(WebhookMethod.POST).setHeaders(Map.of()).setBodyJson("{}").build();

    private PlannerHarness everyMinute(int pauseAfterFailures) {
        PlannerHarness planner = planner();
        ScheduleSpec spec = TestCommands.spec(TestCommands.TENANT, "agent-n", new CronCadence("* * * * *", "UTC"));
        spec.setPauseAfterFailures(pauseAfterFailures);
        spec.setNotifyWebhook(HOOK);
        assertThat(planner.send(TestCommands.create("s-note", spec)).getAccepted()).isTrue();
        return planner;
    }

    private static DueEvent nextFire(PlannerHarness planner) {
        List<TestRecord<String, DueEvent>> fires = planner.advanceTo(planner.scheduleStore().get("s-note").getNextFireAt());
        assertThat(fires).hasSize(1);
        return fires.get(0).value();
    }

    private static List<DueEvent> notifications(PlannerHarness planner) {
        return planner.due.readValuesToList().stream().filter(e -> e.getNotification() != null).toList();
    }

    @Test
    void aFireFailedForGoodAndTheAutoPauseItCausesAreEachNotifiedOnce() throws Exception {
        PlannerHarness planner = everyMinute(1);
        DueEvent fire = nextFire(planner);
        ExecutionResult failed = TestResults.failed(fire, "gave up after attempt 5", planner.now());
        planner.sendResult(failed);
        planner.sendResult(failed);

        List<DueEvent> sent = notifications(planner);
        assertThat(sent).extracting(e -> JSON.readTree(e.getNotification()).get("kind").asText()).containsExactly("fire_failed", "auto_paused");
        DueEvent first = sent.get(0);
        assertThat(first.getFireId()).isEqualTo("s-note!notify:fire_failed:" + fire.getFireId() + "#1");
        assertThat(first.getTarget()).isInstanceOfSatisfying(WebhookTarget.class, t -> {
            assertThat(t.getUrl()).isEqualTo(HOOK.getUrl());
            assertThat(t.getBodyJson()).isEqualTo(first.getNotification());
        });
        JsonNode body = JSON.readTree(first.getNotification());
        assertThat(body.get("fire_id").asText()).isEqualTo(fire.getFireId());
        assertThat(body.get("detail").asText()).isEqualTo("gave up after attempt 5");
        assertThat(JSON.readTree(sent.get(1).getNotification()).get("detail").asText()).startsWith("paused after 1 consecutive failed fires");
        assertThat(planner.scheduleStore().get("s-note").getStatus()).isEqualTo(ScheduleStatus.PAUSED);
    }

    @Test
    void aFailedRunIsNotifiedAndANotificationsOwnResultsAreNotFires() throws Exception {
        PlannerHarness planner = everyMinute(10);
        DueEvent fire = nextFire(planner);
        ExecutionResult end = TestResults.of(fire, Outcome.FAILED, planner.now());
        end.setRunEnd(true);
        end.setLettaRunId("run-9");
        end.setLettaRunStatus("failed");
        planner.sendResult(end);
        DueEvent note = notifications(planner).get(0);
        assertThat(JSON.readTree(note.getNotification()).get("kind").asText()).isEqualTo("run_failed");
        assertThat(JSON.readTree(note.getNotification()).get("letta_run_id").asText()).isEqualTo("run-9");
        long failures = planner.scheduleStore().get("s-note").getFailureCount();

        // The webhook answered 503: the same notification goes again, same id and body, as attempt 2.
        Instant retryAt = planner.now().plusSeconds(3);
        ExecutionResult retrying = TestResults.retrying(note, retryAt, planner.now());
        retrying.setNotification(note.getNotification());
        planner.sendResult(retrying);
        List<TestRecord<String, DueEvent>> again = planner.advanceTo(retryAt);
        assertThat(again).singleElement().satisfies(r -> {
            assertThat(r.value().getFireId()).isEqualTo(note.getFireId());
            assertThat(r.value().getAttempt()).isEqualTo(2);
            assertThat(r.value().getNotification()).isEqualTo(note.getNotification());
            assertThat(((WebhookTarget) r.value().getTarget()).getBodyJson()).isEqualTo(note.getNotification());
        });
        ExecutionResult failedForGood = TestResults.failed(again.get(0).value(), "503", planner.now());
        failedForGood.setNotification(note.getNotification());
        planner.sendResult(failedForGood);
        assertThat(planner.scheduleStore().get("s-note").getFailureCount()).as("a notification is not a fire").isEqualTo(failures);
        assertThat(notifications(planner)).as("no notification about a notification").isEmpty();
    }
}
