package io.punctual.kernel.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The signature of a webhook request, in the style of Stripe and Svix:
 * <pre>Punctual-Signature: t=&lt;unix seconds&gt;,v1=&lt;lower-case hex HMAC-SHA256(secret, "&lt;t&gt;\n&lt;fire id&gt;\n&lt;attempt&gt;\n&lt;body&gt;")&gt;</pre>
 * where the secret is the schedule's signing secret as UTF-8 bytes, the fire id and attempt are those sent as
 * {@value #FIRE_ID_HEADER} and {@value #ATTEMPT_HEADER}, and the body is the exact request body bytes. The
 * timestamp is signed, so a receiver that refuses old timestamps is safe from replays of captured requests; the
 * fire id and attempt are signed, so a captured body cannot be passed off as another fire (or another attempt)
 * within that window either. Lines are separated by a newline, which neither a number nor an HTTP header value
 * (the fire id) can contain, so the signed string splits in exactly one way.
 */
public final class WebhookSignature {
    public static final String HEADER = "Punctual-Signature";
    /** The fire being delivered; the same on every attempt, so also the receiver's deduplication key. */
    public static final String FIRE_ID_HEADER = "Punctual-Fire-Id";
    /** The delivery attempt, from 1. */
    public static final String ATTEMPT_HEADER = "Punctual-Attempt";
    private static final String ALGORITHM = "HmacSHA256";

    private WebhookSignature() {
    }

    /** The header value for this attempt of this fire with this body at this instant. */
    public static String header(String secret, Instant at, String fireId, int attempt, byte[] body) {
        long t = at.getEpochSecond();
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(hmac(secret, t, fireId, attempt, body));
    }

    /**
     * Whether the header is a valid signature of this fire id, attempt (the values of the request's
     * {@value #FIRE_ID_HEADER} and {@value #ATTEMPT_HEADER} headers) and body, made no longer than
     * {@code tolerance} away from {@code now}.
     */
    public static boolean verify(String header, String secret, String fireId, int attempt, byte[] body, Instant now, Duration tolerance) {
        if (fireId == null) {
            return false;
        }
        if (header == null) {
            return false;
        }
        Long t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.strip().split("=", 2);
            if (kv.length != 2) {
                continue;
            }
            if (kv[0].equals("t")) {
                try {
                    t = Long.parseLong(kv[1]);
                } catch (NumberFormatException e) {
                    return false;
                }
            } else if (kv[0].equals("v1")) {
                v1 = kv[1];
            }
        }
        if (t == null || v1 == null || Math.abs(now.getEpochSecond() - t) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = hmac(secret, t, fireId, attempt, body);
        byte[] given;
        try {
            given = HexFormat.of().parseHex(v1);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, given);
    }

    private static byte[] hmac(String secret, long t, String fireId, int attempt, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            mac.update((t + "\n" + fireId + "\n" + attempt + "\n").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
