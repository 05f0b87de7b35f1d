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
     * Refuses at once a version older than the one this gateway's view holds (reads wait for the view to catch up
     * with every committed write, so it is never older than what another replica answered). A newer version than
     * the view's is passed on: the planner, which holds the current version, decides.
     */
    static Long checked(@Nullable String ifMatch, ScheduleState current) {
        Long expected = expected(ifMatch);
        if (expected != null && expected < current.getVersion()) {
            throw new ApiProblem(ProblemType.VERSION_CONFLICT, "The schedule is at version " + current.getVersion()
                    + ", not " + expected + "; read it again and retry with If-Match: " + etag(current.getVersion()) + ".");
        }
        return expected;
    }
}
