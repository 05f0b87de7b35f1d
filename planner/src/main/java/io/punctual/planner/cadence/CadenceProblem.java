package io.punctual.planner.cadence;

/** Why a cadence cannot be scheduled; each has the machine code a command result reports. */
public enum CadenceProblem {
    INVALID_CRON("invalid_cron"),
    INVALID_TIMEZONE("invalid_timezone"),
    IN_THE_PAST("in_the_past");

    private final String reason;

    CadenceProblem(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
