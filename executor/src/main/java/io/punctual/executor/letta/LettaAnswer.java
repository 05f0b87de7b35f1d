package io.punctual.executor.letta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Optional;

/**
 * Letta's HTTP answer to one message call, whatever its status.
 *
 * @param status the HTTP status
 * @param body   the body as text (empty if none)
 */
public record LettaAnswer(int status, String body) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** The {@code id} of the Run object an async call answers with, if the body is one. */
    public Optional<String> runId() {
        if (body.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode id = JSON.readTree(body).path("id");
            return id.isTextual() ? Optional.of(id.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The start of the body, for a failure's detail: enough to diagnose, bounded so results stay small. */
    public String bodyExcerpt(int maxChars) {
        return body.length() <= maxChars ? body : body.substring(0, maxChars);
    }
}
