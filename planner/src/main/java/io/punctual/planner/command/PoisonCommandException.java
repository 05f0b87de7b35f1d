package io.punctual.planner.command;

/**
 * A record of the commands topic that cannot be answered: it does not decode, or it does not say which command and
 * schedule it is about. It goes to the dead-letter topic instead of stopping the planner.
 */
public final class PoisonCommandException extends Exception {
    private final String reason;

    PoisonCommandException(String reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    /** A short machine code: undecodable, unknown_schema, missing_key, key_mismatch, missing_field. */
    String reason() {
        return reason;
    }
}
