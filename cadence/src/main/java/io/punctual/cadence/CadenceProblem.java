package io.punctual.cadence;

import io.punctual.schemas.command.Reasons;

/** Why a schedule's timing cannot be accepted; each has the machine code a command result reports. */
public enum CadenceProblem {
    INVALID_CRON(Reasons.INVALID_CRON),
    INVALID_TIMEZONE(Reasons.INVALID_TIMEZONE),
    INVALID_INTERVAL(Reasons.INVALID_INTERVAL),
    IN_THE_PAST(Reasons.IN_THE_PAST),
    END_BEFORE_START(Reasons.END_BEFORE_START),
    /** Valid parts that leave no fire at all, e.g. a one-time instant outside start_at/end_at. */
    NEVER_FIRES(Reasons.INVALID_COMMAND);

    private final String reason;

    CadenceProblem(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
