package io.punctual.planner.fire;

import io.punctual.schemas.DueEvent;

import java.time.Instant;

/**
 * Stamps a fire emitted ahead of its time with when to deliver it ({@code deliver_at}); the executor holds it until
 * then. A fire emitted at or after its time carries none and goes at once.
 */
public final class DeliverAt {
    private DeliverAt() {
    }

    /**
     * @param dueAt when the fire is due on the timeline (its nominal time plus jitter, or a retry's time)
     * @param now   the planner's clock when it emits the fire
     */
    public static DueEvent ahead(DueEvent event, Instant dueAt, Instant now) {
        if (dueAt.isAfter(now)) {
            event.setDeliverAt(dueAt);
        }
        return event;
    }
}
