package io.punctual.kernel.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.crypto.tink.Aead;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Encrypts Letta API keys (and a webhook's signing secret and headers) for the topics and decrypts them for
 * delivery. The ciphertext is bound to the schedule id (associated data), so a ciphertext copied onto another
 * schedule does not decrypt. Webhook headers are bound to a context of their own as well, so their ciphertext
 * cannot be passed off as a key or a secret.
 */
public final class ApiKeyCipher {
    private static final String CONTEXT = "punctual/letta-api-key/";
    private static final String HEADERS_CONTEXT = "punctual/webhook-headers/";
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** A webhook's headers (name to value), encrypted for one schedule. */
    public ByteBuffer encryptHeaders(Map<String, String> headers, String scheduleId) {
        try {
            byte[] plaintext = JSON.writeValueAsBytes(new TreeMap<>(headers));
            return ByteBuffer.wrap(aead.encrypt(plaintext, headersData(scheduleId)));
        } catch (GeneralSecurityException | JsonProcessingException e) {
            throw new IllegalStateException("Could not encrypt webhook headers", e);
        }
    }

    /** The headers {@link #encryptHeaders} encrypted for this schedule. */
    public Map<String, String> decryptHeaders(ByteBuffer ciphertext, String scheduleId) throws GeneralSecurityException {
        ByteBuffer copy = ciphertext.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        byte[] plaintext = aead.decrypt(bytes, headersData(scheduleId));
        try {
            return JSON.readValue(plaintext, new TypeReference<TreeMap<String, String>>() {
            });
        } catch (IOException e) {
            throw new GeneralSecurityException("The webhook headers decrypt to something that is not a JSON object of strings");
        }
    }

    /** The same headers under the current primary key, for key rotation. */
    public ByteBuffer reencryptHeaders(ByteBuffer ciphertext, String scheduleId) throws GeneralSecurityException {
        return encryptHeaders(decryptHeaders(ciphertext, scheduleId), scheduleId);
    }

    private static byte[] associatedData(String scheduleId) {
        return (CONTEXT + scheduleId).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] headersData(String scheduleId) {
        return (HEADERS_CONTEXT + scheduleId).getBytes(StandardCharsets.UTF_8);
    }
}
