package io.punctual.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/** The schema registry refused a call or could not be reached. */
public class SchemaRegistryException extends SerializationException {
    private final int status;

    public SchemaRegistryException(int status, String message) {
        super(message);
        this.status = status;
    }

    public SchemaRegistryException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status of the registry's answer, or -1 if none arrived. */
    public int status() {
        return status;
    }

    /**
     * True when the registry could not answer (unreachable, timed out, overloaded, failing): the record may be fine
     * and must be retried, never set aside as poison. A 404 (unknown schema id) and other 4xx are answers.
     */
    public boolean isUnavailable() {
        return status < 0 || status == 408 || status == 429 || status >= 500;
    }

    /** True when {@code error} or one of its causes is a {@link #isUnavailable() registry outage}. */
    public static boolean isUnavailable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SchemaRegistryException e && e.isUnavailable()) {
                return true;
            }
        }
        return false;
    }
}
