package io.punctual.gateway.v1;

import io.micronaut.core.annotation.Nullable;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.schemas.ScheduleState;

/** ETags are schedule versions; If-Match makes a write conditional on one. */
final class Versions {
    private Versions() {
    }

    static String etag(long version) {
        return "\"" + version + "\"";
    }

    static Long expected(@Nullable String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return null;
        }
        String v = ifMatch.trim();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        v = v.replace("\"", "");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiProblem.invalid("If-Match", "must be a version ETag such as \"3\"");
        }
    }

    /**
     * Refuses at once a version this gateway already knows to be stale (its view includes its own writes); the
     * planner checks again, so a change made through another gateway is still caught.
     */
    static Long checked(@Nullable String ifMatch, ScheduleState current) {
        Long expected = expected(ifMatch);
        if (expected != null && expected != current.getVersion()) {
            throw new ApiProblem(ProblemType.VERSION_CONFLICT, "The schedule is at version " + current.getVersion()
                    + ", not " + expected + "; read it again and retry with If-Match: " + etag(current.getVersion()) + ".");
        }
        return expected;
    }
}
