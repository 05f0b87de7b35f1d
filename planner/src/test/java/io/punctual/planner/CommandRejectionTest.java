package io.punctual.planner;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import io.punctual.schemas.command.Reasons;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.CreateSchedule;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.punctual.planner.PlannerHarness.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class CommandRejectionTest extends PlannerTestBase {

    @Test
    void anInvalidCronIsRejectedWithTheParsersMessage() {
        PlannerHarness planner = planner();
        String expression = "*/5 * * *";
        String parserMessage = catchThrowable(() -> new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX))
                .parse(expression)).getMessage();

        CommandResult result = planner.send(TestCommands.createCron("s-bad", "agent-1", expression, "UTC"));

        assertRejected(planner, result, Reasons.INVALID_CRON);
        assertThat(parserMessage).isNotBlank();
        assertThat(result.getMessage()).contains(expression).contains(parserMessage);
        assertThat(planner.scheduleStore().get("s-bad")).isNull();
    }

    @Test
    void aCronFieldOutOfRangeIsRejected() {
        PlannerHarness planner = planner();

        assertRejected(planner, planner.send(TestCommands.createCron("s-61", "agent-1", "61 * * * *", "UTC")), Reasons.INVALID_CRON);
    }

    @Test
    void aCronThatNeverFiresIsRejected() {
        PlannerHarness planner = planner();

        CommandResult result = planner.send(TestCommands.createCron("s-feb30", "agent-1", "0 0 30 2 *", "UTC"));

        assertRejected(planner, result, Reasons.INVALID_CRON);
        assertThat(result.getMessage()).contains("never fires");
    }

    @Test
    void anUnknownTimeZoneIsRejected() {
        PlannerHarness planner = planner();

        CommandResult result = planner.send(TestCommands.createCron("s-mars", "agent-1", "*/5 * * * *", "Mars/Olympus_Mons"));

        assertRejected(planner, result, Reasons.INVALID_TIMEZONE);
        assertThat(result.getMessage()).contains("Mars/Olympus_Mons");
    }

    @Test
    void aOneTimeScheduleFurtherInThePastThanTheGraceIsRejected() {
        PlannerHarness planner = planner();

        CommandResult result = planner.send(TestCommands.createOnce("s-past", "agent-1", START.minusSeconds(61)));

        assertRejected(planner, result, Reasons.IN_THE_PAST);
        assertThat(planner.advance(Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void theGraceComesFromTheSettings() {
        PlannerHarness planner = planner(s -> s.withOnceGrace(Duration.ofSeconds(5)), START);

        assertRejected(planner, planner.send(TestCommands.createOnce("s-past", "agent-1", START.minusSeconds(6))), Reasons.IN_THE_PAST);
        assertThat(planner.send(TestCommands.createOnce("s-recent", "agent-1", START.minusSeconds(4))).getAccepted()).isTrue();
    }

    @Test
    void aDuplicateCreateIsRejectedAndChangesNothing() {
        PlannerHarness planner = planner();
        ScheduleState original = planner.send(TestCommands.createOnce("s-dup", "agent-1", START.plusSeconds(60))).getState();
        planner.schedules.readKeyValuesToList();

        CommandResult result = planner.send(TestCommands.createCron("s-dup", "agent-2", "*/5 * * * *", "UTC"));

        assertRejected(planner, result, Reasons.ALREADY_EXISTS);
        assertThat(result.getVersion()).isEqualTo(1L);
        assertThat(planner.scheduleStore().get("s-dup")).isEqualTo(original);
        assertThat(planner.timeline()).hasSize(1);
    }

    @Test
    void aDeleteAtAnotherVersionIsAConflict() {
        PlannerHarness planner = planner();
        planner.send(TestCommands.createOnce("s-ver", "agent-1", START.plusSeconds(60)));
        planner.schedules.readKeyValuesToList();

        CommandResult result = planner.send(TestCommands.delete("s-ver", TestCommands.TENANT, 7L));

        assertRejected(planner, result, Reasons.VERSION_CONFLICT);
        assertThat(result.getVersion()).isEqualTo(1L);
        assertThat(result.getMessage()).contains("1").contains("7");
        assertThat(planner.scheduleStore().get("s-ver")).isNotNull();
        assertThat(planner.send(TestCommands.delete("s-ver", TestCommands.TENANT, 1L)).getAccepted()).isTrue();
    }

    @Test
    void aCreateExpectingAVersionOfAMissingScheduleIsNotFound() {
        PlannerHarness planner = planner();
        ScheduleCommand create = TestCommands.createOnce("s-expect", "agent-1", START.plusSeconds(60));
        create.setExpectedVersion(3L);

        assertRejected(planner, planner.send(create), Reasons.NOT_FOUND);

        ScheduleCommand createExpectingNothing = TestCommands.createOnce("s-expect", "agent-1", START.plusSeconds(60));
        createExpectingNothing.setExpectedVersion(0L);
        assertThat(planner.send(createExpectingNothing).getAccepted()).isTrue();
    }

    @Test
    void aSpecOfAnotherTenantOrWithoutAgentIsAnInvalidCommand() {
        PlannerHarness planner = planner();
        ScheduleSpec foreign = TestCommands.spec(TestCommands.OTHER_TENANT, "agent-1", new CronCadence("*/5 * * * *", "UTC"));
        ScheduleCommand create = TestCommands.command("s-foreign", TestCommands.TENANT, null, CreateSchedule.newBuilder().setSpec(foreign).build());
        assertRejected(planner, planner.send(create), Reasons.INVALID_COMMAND);

        ScheduleCommand noAgent = TestCommands.createCron("s-noagent", "", "*/5 * * * *", "UTC");
        assertRejected(planner, planner.send(noAgent), Reasons.INVALID_COMMAND);
    }

    private static void assertRejected(PlannerHarness planner, CommandResult result, String reason) {
        assertThat(result.getAccepted()).isFalse();
        assertThat(result.getReason()).isEqualTo(reason);
        assertThat(result.getMessage()).isNotBlank();
        assertThat(result.getState()).isNull();
        assertThat(result.getProcessedAt()).isEqualTo(planner.now());
        assertThat(planner.schedules.isEmpty()).as("a rejected command writes no state").isTrue();
    }
}
