package io.punctual.gateway.auth;

import java.security.Principal;

/**
 * Who is calling: the Letta API key given and the tenant derived from it. Endpoints take it as an argument,
 * bound by {@link CallerBinder}. A {@link Principal} (named by its tenant), which also keeps it out of the
 * generated OpenAPI document's parameters. {@link #toString()} never shows the key, so a Caller can be logged safely.
 */
public record Caller(String apiKey, String tenant) implements Principal {
    @Override
    public String getName() {
        return tenant;
    }

    @Override
    public String toString() {
        return "Caller[tenant=" + tenant + "]";
    }
}
