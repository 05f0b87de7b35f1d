package io.punctual.planner;

import io.punctual.schemas.CreateSchedule;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.DeleteSchedule;
import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.PatchSchedule;
import io.punctual.schemas.PauseSchedule;
import io.punctual.schemas.ReplaceSchedule;
import io.punctual.schemas.ResumeSchedule;
import io.punctual.schemas.TriggerSchedule;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleSpec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Builds the commands the tests send; every command gets a fresh id. */
final class TestCommands {
    static final String TENANT = "tenant-a";
    static final String OTHER_TENANT = "tenant-b";
    private static final Instant ISSUED_AT = Instant.parse("2025-03-01T00:00:00Z");
    private static final AtomicLong COMMAND_IDS = new AtomicLong();

    private TestCommands() {
    }

    static ScheduleCommand createOnce(String scheduleId, String agentId, Instant at) {
        return create(scheduleId, spec(TENANT, agentId, new OnceCadence(at)));
    }

    static ScheduleCommand createCron(String scheduleId, String agentId, String expression, String timezone) {
        return create(scheduleId, spec(TENANT, agentId, new CronCadence(expression, timezone)));
    }

    static ScheduleCommand create(String scheduleId, ScheduleSpec spec) {
        return command(scheduleId, spec.getTenant(), null, CreateSchedule.newBuilder().setSpec(spec).build());
    }

    static ScheduleCommand delete(String scheduleId, String tenant, Long expectedVersion) {
        return command(scheduleId, tenant, expectedVersion, new DeleteSchedule());
    }

    static ScheduleCommand pause(String scheduleId, String note) {
        return command(scheduleId, TENANT, null, new PauseSchedule(note));
    }

    static ScheduleCommand resume(String scheduleId) {
        return command(scheduleId, TENANT, null, new ResumeSchedule());
    }

    static ScheduleCommand trigger(String scheduleId) {
        return command(scheduleId, TENANT, null, new TriggerSchedule());
    }

    static ScheduleCommand replace(String scheduleId, Long expectedVersion, ScheduleSpec spec) {
        return command(scheduleId, spec.getTenant(), expectedVersion, new ReplaceSchedule(spec));
    }

    static ScheduleCommand patch(String scheduleId, Long expectedVersion, PatchSchedule patch) {
        return command(scheduleId, TENANT, expectedVersion, patch);
    }

    static ScheduleCommand createPaused(String scheduleId, ScheduleSpec spec, String note) {
        return command(scheduleId, spec.getTenant(), null, CreateSchedule.newBuilder().setSpec(spec).setPaused(true).setPausedNote(note).build());
    }

    static ScheduleCommand command(String scheduleId, String tenant, Long expectedVersion, Object action) {
        return ScheduleCommand.newBuilder()
                .setCommandId("cmd-" + COMMAND_IDS.incrementAndGet())
                .setScheduleId(scheduleId)
                .setTenant(tenant)
                .setIssuedAt(ISSUED_AT)
                .setExpectedVersion(expectedVersion)
                .setAction(action)
                .build();
    }

    static ScheduleSpec spec(String tenant, String agentId, Object cadence) {
        return ScheduleSpec.newBuilder()
                .setTenant(tenant)
                .setTarget(target(agentId))
                .setCadence(cadence)
                .setLabels(Map.of("purpose", "test"))
                .build();
    }

    static LettaTarget target(String agentId) {
        LettaMessage message = LettaMessage.newBuilder().setRole("user").setContent("Time for the stand-up, " + agentId).build();
        return LettaTarget.newBuilder()
                .setAgentId(agentId)
                .setMessages(List.of(message))
                .setMode(DeliveryMode.ASYNC)
                .setApiKeyCiphertext(ByteBuffer.wrap(("ciphertext-of-" + agentId).getBytes(StandardCharsets.UTF_8)))
                .build();
    }
}
