package io.punctual.schemas.secrets;

import com.google.crypto.tink.Aead;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Encrypts Letta API keys for the topics and decrypts them for delivery. The ciphertext is bound to the
 * schedule id (associated data), so a ciphertext copied onto another schedule does not decrypt.
 */
public final class ApiKeyCipher {
    private static final String CONTEXT = "punctual/letta-api-key/";

    private final Aead aead;

    ApiKeyCipher(Aead aead) {
        this.aead = aead;
    }

    public ByteBuffer encrypt(String apiKey, String scheduleId) {
        try {
            return ByteBuffer.wrap(aead.encrypt(apiKey.getBytes(StandardCharsets.UTF_8), associatedData(scheduleId)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not encrypt an API key", e);
        }
    }

    public String decrypt(ByteBuffer ciphertext, String scheduleId) throws GeneralSecurityException {
        ByteBuffer copy = ciphertext.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return new String(aead.decrypt(bytes, associatedData(scheduleId)), StandardCharsets.UTF_8);
    }

    /**
     * The same secret under the current primary key, for key rotation. Fails if no key of the keyset decrypts it
     * (it was encrypted under a key already retired, or for another schedule).
     */
    public ByteBuffer reencrypt(ByteBuffer ciphertext, String scheduleId) throws GeneralSecurityException {
        String plaintext = decrypt(ciphertext, scheduleId);
        return encrypt(plaintext, scheduleId);
    }

    private static byte[] associatedData(String scheduleId) {
        return (CONTEXT + scheduleId).getBytes(StandardCharsets.UTF_8);
    }
}
