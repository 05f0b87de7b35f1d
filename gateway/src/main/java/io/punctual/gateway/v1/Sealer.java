package io.punctual.gateway.v1;

import io.punctual.schemas.secrets.ApiKeyCipher;

import java.nio.ByteBuffer;
import java.util.function.Supplier;

/** Encrypts what a request carries in plaintext (the caller's Letta key, a webhook's signing secret) for one schedule. */
interface Sealer {
    /** The caller's Letta API key, encrypted. */
    ByteBuffer apiKey();

    /** A secret of the request, encrypted. */
    ByteBuffer secret(String plaintext);

    static Sealer of(ApiKeyCipher cipher, String apiKey, String scheduleId) {
        return new Sealer() {
            @Override
            public ByteBuffer apiKey() {
                return cipher.encrypt(apiKey, scheduleId);
            }

            @Override
            public ByteBuffer secret(String plaintext) {
                return cipher.encrypt(plaintext, scheduleId);
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
        };
    }
}
