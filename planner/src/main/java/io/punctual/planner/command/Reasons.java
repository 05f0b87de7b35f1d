package io.punctual.planner.command;

/** Machine-readable reasons of a rejected command, as documented on {@code CommandResult.reason}. */
public final class Reasons {
    public static final String INVALID_CRON = "invalid_cron";
    public static final String INVALID_TIMEZONE = "invalid_timezone";
    public static final String INVALID_INTERVAL = "invalid_interval";
    public static final String IN_THE_PAST = "in_the_past";
    public static final String END_BEFORE_START = "end_before_start";
    public static final String ALREADY_EXISTS = "already_exists";
    public static final String NOT_FOUND = "not_found";
    public static final String VERSION_CONFLICT = "version_conflict";
    public static final String INVALID_COMMAND = "invalid_command";
    /** Resume of a schedule that is not paused. */
    public static final String NOT_PAUSED = "not_paused";
    /** Pause of a schedule that is not active (already paused, or completed). */
    public static final String NOT_ACTIVE = "not_active";
    /** A command that would make a schedule live (create, or a patch that lets a completed one fire again) over the tenant's quota. */
    public static final String QUOTA_EXCEEDED = "quota_exceeded";

    private Reasons() {
    }
}
