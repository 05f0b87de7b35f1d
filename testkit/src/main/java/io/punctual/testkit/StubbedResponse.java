package io.punctual.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A scripted answer for the next call to an agent, replacing the normal one, e.g. {@code status(500)} or
 * {@code tooManyRequests(Duration.ofSeconds(2))}.
 */
public record StubbedResponse(int status, Map<String, String> headers, String body) {

    public StubbedResponse {
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    /** The status with a FastAPI-style error body ({@code {"detail": "..."}}), as Letta answers errors. */
    public static StubbedResponse status(int status) {
        return new StubbedResponse(status, Map.of(), "{\"detail\":\"stand-in scripted status " + status + "\"}");
    }

    /** A 429 with a {@code Retry-After} header in whole seconds. */
    public static StubbedResponse tooManyRequests(Duration retryAfter) {
        return status(429).withHeader("Retry-After", Long.toString(Math.max(0, retryAfter.toSeconds())));
    }

    StubbedResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new StubbedResponse(status, copy, body);
    }

    public StubbedResponse withBody(String newBody) {
        return new StubbedResponse(status, headers, newBody);
    }
}
