package io.punctual.planner.state;

import io.punctual.schemas.ScheduleState;

/**
 * Copies of a schedule's state that share its field values instead of copying them deeply. Avro's
 * {@code ScheduleState.newBuilder(state)} deep-copies every field, the spec with its messages and key ciphertext
 * included, and the planner made three or four such copies per fire (a tenth of its stream thread in the burst's
 * profile) only to change a few counters and times. States are never changed after they are made, except the
 * fresh copy itself, so sharing the nested values is safe.
 */
public final class ScheduleStates {
    private static final int FIELDS = ScheduleState.getClassSchema().getFields().size();

    private ScheduleStates() {
    }

    /** A new state with the same field values, to set the changed ones on. */
    public static ScheduleState copy(ScheduleState state) {
        ScheduleState copy = new ScheduleState();
        for (int i = 0; i < FIELDS; i++) {
            copy.put(i, state.get(i));
        }
        return copy;
    }
}
