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
}
