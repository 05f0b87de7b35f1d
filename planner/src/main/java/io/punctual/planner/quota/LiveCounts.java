package io.punctual.planner.quota;

import io.punctual.planner.lifecycle.Completion;
import io.punctual.schemas.QuotaEvent;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleState;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The schedule side of the quota, without touching any store: which commands must be admitted first, and which
 * state changes move a tenant's count of live schedules. The count itself is the {@link QuotaProcessor}'s.
 */
public final class LiveCounts {
    private LiveCounts() {
    }

    /** True when the change makes a schedule live that was not (a create, or a completed schedule patched to fire again). */
    public static boolean revives(ScheduleState before, ScheduleState after) {
        return !Completion.live(before) && Completion.live(after);
    }

    /** The request to admit {@code command}, whose original record value is {@code value}. */
    public static QuotaEvent request(ScheduleCommand command, byte[] value) {
        return QuotaEvent.newBuilder()
                .setTenant(command.getTenant())
                .setScheduleId(command.getScheduleId())
                .setCommandId(command.getCommandId())
                .setCommand(ByteBuffer.wrap(value))
                .setDelta(0)
                .build();
    }

    /** The count change of one schedule going from {@code before} to {@code after} (null: does not exist), if any. */
    public static Optional<QuotaEvent> change(ScheduleState before, ScheduleState after) {
        int delta = (Completion.live(after) ? 1 : 0) - (Completion.live(before) ? 1 : 0);
        if (delta == 0) {
            return Optional.empty();
        }
        ScheduleState any = after != null ? after : before;
        return Optional.of(delta(any.getSpec().getTenant(), any.getScheduleId(), delta));
    }

    /** Gives back the place an admitted command took but did not use (it was refused when applied). */
    public static QuotaEvent release(ScheduleCommand command) {
        return delta(command.getTenant(), command.getScheduleId(), -1);
    }

    /** The summed count change of several schedules of one tenant (no single schedule id). */
    public static QuotaEvent delta(String tenant, int delta) {
        return delta(tenant, "", delta);
    }

    private static QuotaEvent delta(String tenant, String scheduleId, int delta) {
        return QuotaEvent.newBuilder().setTenant(tenant).setScheduleId(scheduleId).setCommandId(null).setCommand(null).setDelta(delta).build();
    }
}
