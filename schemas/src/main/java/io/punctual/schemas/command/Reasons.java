package io.punctual.schemas.command;

/**
 * Machine-readable reasons of a rejected command, as documented on {@code CommandResult.reason}: part of the
 * contract, so the planner that writes them, the gateway that maps them to problems and a program reading
 * {@code punctual.command-results} use the same names.
 */
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
    /** Messages, a webhook body or a Kafka value over the deployment's size limits. */
    public static final String TOO_LARGE = "too_large";
    /** A Kafka target names a topic the operator's allow-list does not give the tenant. */
    public static final String TOPIC_NOT_ALLOWED = "topic_not_allowed";
    /** A webhook URL the deployment's URL policy refuses. */
    public static final String URL_NOT_ALLOWED = "url_not_allowed";
    /** A Letta key whose tenant is not the command's tenant. */
    public static final String TENANT_MISMATCH = "tenant_mismatch";
    /** A ciphertext (Letta key, webhook secret or headers) that does not decrypt for this schedule. */
    public static final String UNDECRYPTABLE = "undecryptable";
    /** A command that would make a schedule live (create, or a patch that lets a completed one fire again) over the tenant's quota. */
    public static final String QUOTA_EXCEEDED = "quota_exceeded";

    private Reasons() {
    }
}
