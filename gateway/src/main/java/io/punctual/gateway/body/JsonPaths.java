package io.punctual.gateway.body;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;

/** The API's field paths ({@code target.headers.X-Key}, {@code messages[0].role}) of where a parser is. */
final class JsonPaths {
    private JsonPaths() {
    }

    /** The context of the value the parser is at: a container that has just started belongs to its parent. */
    static JsonStreamContext valueContext(JsonParser p) {
        JsonStreamContext ctx = p.getParsingContext();
        JsonToken t = p.currentToken();
        boolean justStarted = t == JsonToken.START_OBJECT && ctx.inObject() && ctx.getCurrentName() == null
                || t == JsonToken.START_ARRAY && ctx.inArray() && ctx.getEntryCount() == 0;
        return justStarted && ctx.getParent() != null ? ctx.getParent() : ctx;
    }

    /** The path of the value the parser is at. */
    static String of(JsonParser p) {
        return of(valueContext(p));
    }

    /** The path of the current entry of {@code ctx} (its current field or array element). */
    static String of(JsonStreamContext ctx) {
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext c = ctx; c != null; c = c.getParent()) {
            if (c.inObject() && c.getCurrentName() != null) {
                path.insert(0, "." + c.getCurrentName());
            } else if (c.inArray()) {
                path.insert(0, "[" + c.getCurrentIndex() + "]");
            }
        }
        return path.length() > 0 && path.charAt(0) == '.' ? path.substring(1) : path.toString();
    }

    /** The path an exception of binding points at. */
    static String of(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "body" : path.toString();
    }
}
