package io.punctual.executor.letta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Letta's HTTP answer to one call, whatever its status. The body is parsed once, on the first question asked of it
 * (a delivery asks for the run's id and status, a run look-up for four fields): not a record, so it can keep the tree.
 */
public final class LettaAnswer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int status;
    private final String body;
    private final String retryAfter;
    /** The parsed body; volatile because an answer may be read on another thread than the one that parsed it. */
    private volatile JsonNode tree;

    /**
     * @param status     the HTTP status
     * @param body       the body as text (empty if none)
     * @param retryAfter the {@code Retry-After} header, or null
     */
    public LettaAnswer(int status, String body, String retryAfter) {
        this.status = status;
        this.body = body;
        this.retryAfter = retryAfter;
    }

    public LettaAnswer(int status, String body) {
        this(status, body, null);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The body as text (empty if none). */
    public String body() {
        return body;
    }

    /** The {@code Retry-After} header, or null. */
    public String retryAfter() {
        return retryAfter;
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** The {@code id} of the Run object an async call answers with, if the body is one. */
    Optional<String> runId() {
        return textField("id");
    }

    /** The {@code status} of a Run object. */
    public Optional<String> runStatus() {
        return textField("status");
    }

    /** A Run object's {@code completed_at}, when it has a readable one. */
    public Optional<Instant> runCompletedAt() {
        return textField("completed_at").flatMap(text -> {
            try {
                return Optional.of(OffsetDateTime.parse(text).toInstant());
            } catch (DateTimeParseException e) {
                try {
                    // Letta's timestamps may come without an offset; they are UTC.
                    return Optional.of(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
                } catch (DateTimeParseException again) {
                    return Optional.empty();
                }
            }
        });
    }

    /** A Run object's {@code stop_reason}: a string, or an object carrying one in its own {@code stop_reason}. */
    public Optional<String> stopReason() {
        JsonNode reason = tree().path("stop_reason");
        if (reason.isObject()) {
            reason = reason.path("stop_reason");
        }
        return reason.isTextual() ? Optional.of(reason.asText()) : Optional.empty();
    }

    /** A Run object's usage ({@code usage} or {@code total_usage}) as JSON text, when it has one. */
    public Optional<String> usageJson() {
        JsonNode usage = tree().path("usage");
        if (!usage.isObject()) {
            usage = tree().path("total_usage");
        }
        return usage.isObject() && !usage.isEmpty() ? Optional.of(usage.toString()) : Optional.empty();
    }

    /**
     * The assistant's text in a synchronous call's answer: the content of its {@code assistant_message}s, joined
     * by blank lines; content given as parts contributes its text parts.
     */
    Optional<String> assistantText() {
        JsonNode messages = tree().path("messages");
        if (!messages.isArray()) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode message : messages) {
            if (!"assistant_message".equals(message.path("message_type").asText())) {
                continue;
            }
            JsonNode content = message.path("content");
            String piece;
            if (content.isTextual()) {
                piece = content.asText();
            } else if (content.isArray()) {
                StringBuilder parts = new StringBuilder();
                content.forEach(part -> parts.append(part.path("text").asText("")));
                piece = parts.toString();
            } else {
                continue;
            }
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            text.append(piece);
        }
        return text.isEmpty() ? Optional.empty() : Optional.of(text.toString());
    }

    /** The start of the body, for a failure's detail: enough to diagnose, bounded so results stay small. */
    String bodyExcerpt(int maxChars) {
        return body.length() <= maxChars ? body : body.substring(0, maxChars);
    }

    private Optional<String> textField(String name) {
        JsonNode value = tree().path(name);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    private JsonNode tree() {
        JsonNode parsed = tree;
        if (parsed == null) {
            parsed = parse(body);
            tree = parsed;
        }
        return parsed;
    }

    private static JsonNode parse(String body) {
        if (body.isEmpty()) {
            return JSON.missingNode();
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? JSON.missingNode() : node;
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    @Override
    public String toString() {
        return "LettaAnswer[status=" + status + ", " + body.length() + " chars]";
    }
}
