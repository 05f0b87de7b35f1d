package io.punctual.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A request the {@link LettaStandIn} received, with what it answered.
 *
 * @param method     HTTP method
 * @param path       request path without the query string
 * @param query      raw query string, or null
 * @param headers    request headers (case-insensitive names)
 * @param body       request body as text (empty if none)
 * @param receivedAt when the request arrived
 * @param agentId    the agent named in the path, or null for calls not addressed to an agent
 * @param runId      the run id answered ({@code .../messages/async}), or null
 * @param status     the HTTP status answered
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers,
                              String body, Instant receivedAt, String agentId, String runId, int status) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public RecordedRequest {
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = Collections.unmodifiableMap(copy);
    }

    /** First value of a header, case-insensitively. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name)).filter(values -> !values.isEmpty()).map(values -> values.get(0));
    }

    /** The {@code Authorization} header, or null. */
    public String authorization() {
        return header("Authorization").orElse(null);
    }

    /** The API key of a {@code Bearer} authorization, or null. */
    public String apiKey() {
        return LettaStandIn.bearerKey(authorization());
    }

    /** The body parsed as JSON. */
    public JsonNode json() {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("Body is not JSON: " + body, e);
        }
    }

    /** Whether this is a message call ({@code POST /v1/agents/{id}/messages[/async]}). */
    public boolean isMessage() {
        return agentId != null && "POST".equals(method) && path.matches(".*/messages(/async)?/?");
    }
}
