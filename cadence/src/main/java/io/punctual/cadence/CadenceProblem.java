package io.punctual.cadence;

/** Why a schedule's timing cannot be accepted; each has the machine code a command result reports. */
public enum CadenceProblem {
    INVALID_CRON("invalid_cron"),
    INVALID_TIMEZONE("invalid_timezone"),
    INVALID_INTERVAL("invalid_interval"),
    IN_THE_PAST("in_the_past"),
    END_BEFORE_START("end_before_start"),
    /** Valid parts that leave no fire at all, e.g. a one-time instant outside start_at/end_at. */
    NEVER_FIRES("invalid_command");

    private final String reason;

    CadenceProblem(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
