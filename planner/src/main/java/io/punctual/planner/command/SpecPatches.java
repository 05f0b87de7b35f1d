package io.punctual.planner.command;

import io.punctual.schemas.PatchSchedule;
import io.punctual.schemas.ScheduleSpec;

import java.util.List;
import java.util.Set;

/** Applies a patch to a spec: only the fields given change; {@code clear} resets the optional bounds. */
final class SpecPatches {
    static final Set<String> CLEARABLE = Set.of("start_at", "end_at", "max_runs");

    private SpecPatches() {
    }

    /** The field names of {@code clear} that cannot be cleared, empty if all can. */
    static List<String> unclearable(PatchSchedule patch) {
        return patch.getClear().stream().filter(f -> !CLEARABLE.contains(f)).toList();
    }

    static ScheduleSpec apply(ScheduleSpec spec, PatchSchedule patch) {
        ScheduleSpec.Builder b = ScheduleSpec.newBuilder(spec);
        if (patch.getTarget() != null) {
            b.setTarget(patch.getTarget());
        }
        if (patch.getCadence() != null) {
            b.setCadence(patch.getCadence());
        }
        if (patch.getLabels() != null) {
            b.setLabels(patch.getLabels());
        }
        if (patch.getStartAt() != null) {
            b.setStartAt(patch.getStartAt());
        }
        if (patch.getEndAt() != null) {
            b.setEndAt(patch.getEndAt());
        }
        if (patch.getMaxRuns() != null) {
            b.setMaxRuns(patch.getMaxRuns());
        }
        if (patch.getCatchup() != null) {
            b.setCatchup(patch.getCatchup());
        }
        if (patch.getCatchupWindowMs() != null) {
            b.setCatchupWindowMs(patch.getCatchupWindowMs());
        }
        if (patch.getJitterMs() != null) {
            b.setJitterMs(patch.getJitterMs());
        }
        if (patch.getOverlap() != null) {
            b.setOverlap(patch.getOverlap());
        }
        if (patch.getRetry() != null) {
            b.setRetry(patch.getRetry());
        }
        if (patch.getPauseAfterFailures() != null) {
            b.setPauseAfterFailures(patch.getPauseAfterFailures());
        }
        if (patch.getDeleteAfterCompletion() != null) {
            b.setDeleteAfterCompletion(patch.getDeleteAfterCompletion());
        }
        for (String field : patch.getClear()) {
            switch (field) {
                case "start_at" -> b.setStartAt(null);
                case "end_at" -> b.setEndAt(null);
                case "max_runs" -> b.setMaxRuns(null);
                default -> throw new IllegalArgumentException("Cannot clear " + field);
            }
        }
        return b.build();
    }
}
