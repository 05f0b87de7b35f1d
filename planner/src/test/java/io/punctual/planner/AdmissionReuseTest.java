package io.punctual.planner;

import io.punctual.cadence.NextFireCalculator;
import io.punctual.kernel.kafkatarget.KafkaTopicPolicy;
import io.punctual.planner.command.CommandHandler;
import io.punctual.planner.command.SpecGuard;
import io.punctual.planner.fire.Firing;
import io.punctual.planner.quota.AwaitingAdmission;
import io.punctual.schemas.CreateSchedule;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.command.Reasons;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A create admitted by the quota comes back as the bytes the planner sent: it is taken as decoded and checked then,
 * and only for those very bytes; the guard is skipped only for the very spec object that passed it.
 */
class AdmissionReuseTest {
    private static final Instant NOW = PlannerHarness.START;

    @Test
    void theAdmittedCopyIsTheRememberedCommandOnlyForTheSameBytesAndOnlyOnce() {
        AwaitingAdmission awaiting = new AwaitingAdmission(10);
        ScheduleCommand command = TestCommands.createOnce("s-1", "agent-1", NOW.plusSeconds(60));
        byte[] bytes = {1, 2, 3};

        awaiting.sent("s-1", bytes, command);
        assertThat(awaiting.admitted("s-1", new byte[]{1, 2, 4})).as("other bytes").isNull();
        awaiting.sent("s-1", bytes, command);
        assertThat(awaiting.admitted("s-1", new byte[]{1, 2, 3})).isSameAs(command);
        assertThat(awaiting.admitted("s-1", bytes)).as("taken already").isNull();
        assertThat(awaiting.admitted("s-unknown", bytes)).isNull();
    }

    @Test
    void theOldestIsForgottenBeyondTheCapacity() {
        AwaitingAdmission awaiting = new AwaitingAdmission(2);
        ScheduleCommand command = TestCommands.createOnce("s-1", "agent-1", NOW.plusSeconds(60));
        awaiting.sent("s-1", new byte[]{1}, command);
        awaiting.sent("s-2", new byte[]{2}, command);
        awaiting.sent("s-3", new byte[]{3}, command);

        assertThat(awaiting.admitted("s-1", new byte[]{1})).isNull();
        assertThat(awaiting.admitted("s-2", new byte[]{2})).isSameAs(command);
        assertThat(awaiting.admitted("s-3", new byte[]{3})).isSameAs(command);
    }

    @Test
    void theGuardIsSkippedForTheVerySpecThatPassedItAndForNoEqualCopy() {
        PlannerSettings settings = PlannerSettings.defaults();
        NextFireCalculator nextFire = new NextFireCalculator(settings.onceGrace());
        // At most 0 messages: this guard refuses every Letta target it looks at.
        SpecGuard refusesAll = new SpecGuard(0, Integer.MAX_VALUE, null, null, KafkaTopicPolicy.noneAllowed());
        CommandHandler handler = new CommandHandler(nextFire, new Firing(nextFire, settings.misfireThreshold()), refusesAll);
        ScheduleCommand command = TestCommands.createOnce("s-1", "agent-1", NOW.plusSeconds(60));
        ScheduleSpec spec = ((CreateSchedule) command.getAction()).getSpec();

        assertThat(handler.handle(command, null, NOW).result().getReason()).isEqualTo(Reasons.TOO_LARGE);
        assertThat(handler.handle(command, null, NOW, ScheduleSpec.newBuilder(spec).build()).result().getReason()).isEqualTo(Reasons.TOO_LARGE);
        assertThat(handler.handle(command, null, NOW, spec).result().getAccepted()).isTrue();
    }
}
