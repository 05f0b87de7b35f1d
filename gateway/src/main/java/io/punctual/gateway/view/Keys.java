package io.punctual.gateway.view;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Byte keys of the view store. Parts are joined with a zero byte (ids, tenants and agent ids never contain one), so
 * one part's keys form a contiguous, sorted range that a page reads with one seek.
 */
final class Keys {
    static final byte SEPARATOR = 0;

    private Keys() {
    }

    static byte[] of(String... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.write(SEPARATOR);
            }
            out.writeBytes(parts[i].getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** The prefix of every key that starts with these parts: the parts and a trailing separator. */
    static byte[] prefix(String... parts) {
        byte[] joined = of(parts);
        byte[] prefix = new byte[joined.length + 1];
        System.arraycopy(joined, 0, prefix, 0, joined.length);
        prefix[joined.length] = SEPARATOR;
        return prefix;
    }

    /** The first key after every key that starts with {@code prefix}, the end of its range. */
    static byte[] end(byte[] prefix) {
        byte[] end = prefix.clone();
        end[end.length - 1]++;
        return end;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        if (key.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The part of {@code key} after {@code prefix}, as text. */
    static String rest(byte[] key, byte[] prefix) {
        return new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8);
    }

    static byte[] longBytes(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    static long longOf(byte[] bytes) {
        return bytes == null ? 0 : ByteBuffer.wrap(bytes).getLong();
    }

    /** Big-endian bytes that sort newest first: later times give smaller keys. */
    static byte[] newestFirst(long millis) {
        return longBytes(Long.MAX_VALUE - millis);
    }
}
