package io.punctual.gateway.auth;

/**
 * Who is calling: the Letta API key given and the tenant derived from it.
 * {@link #toString()} never shows the key, so a Caller can be logged safely.
 */
public record Caller(String apiKey, String tenant) {
    @Override
    public String toString() {
        return "Caller[tenant=" + tenant + "]";
    }
}
