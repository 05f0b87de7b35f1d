package io.punctual.kernel.letta;

/** A Letta message in a request is malformed; names the offending field. */
public class InvalidMessageException extends IllegalArgumentException {
    private final String field;

    InvalidMessageException(String field, String problem) {
        super((field.isEmpty() ? "messages" : "messages" + field) + " " + problem);
        this.field = field;
    }

    /** The field path relative to the messages array, e.g. {@code [0].content}; empty for the array itself. */
    public String field() {
        return field;
    }
}
