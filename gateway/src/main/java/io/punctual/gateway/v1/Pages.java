package io.punctual.gateway.v1;

import io.punctual.gateway.problem.ApiProblem;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Cursor pagination: cursors are opaque (base64url) to clients, so their meaning may change. */
final class Pages {
    private Pages() {
    }

    static int limit(String text, int fallback, int max) {
        if (text == null) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(text.trim());
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiProblem.invalid("limit", "must be an integer from 1 to " + max);
    }

    static String encodeCursor(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    static String decodeCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("cursor", "is not a cursor this API gave out; pass next_cursor as it was");
        }
    }
}
