package io.punctual.planner.command;

/** Machine-readable reasons of a rejected command, as documented on {@code CommandResult.reason}. */
public final class Reasons {
    public static final String INVALID_CRON = "invalid_cron";
    public static final String INVALID_TIMEZONE = "invalid_timezone";
    public static final String IN_THE_PAST = "in_the_past";
    public static final String ALREADY_EXISTS = "already_exists";
    public static final String NOT_FOUND = "not_found";
    public static final String VERSION_CONFLICT = "version_conflict";
    public static final String INVALID_COMMAND = "invalid_command";

    private Reasons() {
    }
}
