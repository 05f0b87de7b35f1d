package io.punctual.gateway.v1;

import io.punctual.schemas.WebhookTarget;
import io.punctual.kernel.secrets.ApiKeyCipher;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Encrypts what a request carries in plaintext (the caller's Letta key, a webhook's signing secret and headers)
 * for one schedule, and knows the headers the schedule already has, so a header sent back as rendered (its value
 * {@link TargetBody#REDACTED}) keeps its stored value.
 */
interface Sealer {
    /** The caller's Letta API key, encrypted. */
    ByteBuffer apiKey();

    /** A secret of the request, encrypted. */
    ByteBuffer secret(String plaintext);

    /** A webhook's headers, encrypted. */
    ByteBuffer headers(Map<String, String> plaintext);

    /** The stored value of a header of the schedule's current webhook target, if it has one by that name. */
    Optional<String> previousHeader(String name);

    static Sealer of(ApiKeyCipher cipher, String apiKey, String scheduleId) {
        return of(cipher, apiKey, scheduleId, null);
    }

    /** For a change of a schedule whose target is {@code current}. */
    static Sealer of(ApiKeyCipher cipher, String apiKey, String scheduleId, Object current) {
        return new Sealer() {
            private Map<String, String> previous;

            @Override
            public ByteBuffer apiKey() {
                return cipher.encrypt(apiKey, scheduleId);
            }

            @Override
            public ByteBuffer secret(String plaintext) {
                return cipher.encrypt(plaintext, scheduleId);
            }

            @Override
            public ByteBuffer headers(Map<String, String> plaintext) {
                return cipher.encryptHeaders(plaintext, scheduleId);
            }

            @Override
            public Optional<String> previousHeader(String name) {
                if (previous == null) {
                    previous = previousHeaders();
                }
                return previous.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
            }

            private Map<String, String> previousHeaders() {
                Map<String, String> headers = new HashMap<>();
                if (current instanceof WebhookTarget webhook) {
                    webhook.getHeaders().forEach((k, v) -> headers.put(k.toString(), v.toString()));
                    if (webhook.getHeadersCiphertext() != null) {
                        try {
                            headers.putAll(cipher.decryptHeaders(webhook.getHeadersCiphertext(), scheduleId));
                        } catch (GeneralSecurityException e) {
                            // Not decryptable with this keyset: the caller must give the values again.
                        }
                    }
                }
                return headers;
            }
        };
    }

    /** For doors that build only Letta targets. */
    static Sealer apiKeyOnly(Supplier<ByteBuffer> apiKey) {
        return new Sealer() {
            @Override
            public ByteBuffer apiKey() {
                return apiKey.get();
            }

            @Override
            public ByteBuffer secret(String plaintext) {
                throw new IllegalStateException("This door takes no secrets");
            }

            @Override
            public ByteBuffer headers(Map<String, String> plaintext) {
                throw new IllegalStateException("This door takes no webhook headers");
            }

            @Override
            public Optional<String> previousHeader(String name) {
                return Optional.empty();
            }
        };
    }
}
