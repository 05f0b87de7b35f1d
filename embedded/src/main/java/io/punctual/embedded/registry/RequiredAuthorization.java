package io.punctual.embedded.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Refuses, with 401 and Confluent's error body, every request that does not carry one of the accepted
 * {@code Authorization} values, so the embedded registry can stand in for a secured one (Confluent Cloud, secured
 * Apicurio, Karapace or Redpanda) in tests.
 */
final class RequiredAuthorization implements HttpHandler {
    private static final byte[] UNAUTHORIZED = "{\"error_code\":401,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);

    private final List<byte[]> accepted;
    private final HttpHandler next;

    RequiredAuthorization(List<String> acceptedValues, HttpHandler next) {
        this.accepted = acceptedValues.stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toList();
        this.next = next;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] givenBytes = given == null ? new byte[0] : given.getBytes(StandardCharsets.UTF_8);
        // Constant time, so the check does not tell how much of a guess was right.
        boolean ok = false;
        for (byte[] value : accepted) {
            ok |= MessageDigest.isEqual(value, givenBytes);
        }
        if (ok) {
            next.handle(exchange);
            return;
        }
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"schema-registry\"");
            exchange.sendResponseHeaders(401, UNAUTHORIZED.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(UNAUTHORIZED);
            }
        }
    }
}
