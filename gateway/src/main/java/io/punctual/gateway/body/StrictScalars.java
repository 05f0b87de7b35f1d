package io.punctual.gateway.body;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Scalars read as the JSON says them, never coerced: {@code 5} is not the string "5", {@code "true"} is not true
 * and {@code 1.5} is not an integer; an instant is ISO-8601 with an offset, or epoch milliseconds. A mismatch is handed to the context's problem handler (which notes it under
 * the field's path, in the field's {@link WrongType} wording) and reading goes on with the next field.
 */
final class StrictScalars {
    private StrictScalars() {
    }

    static SimpleModule module() {
        return new SimpleModule("strict-scalars")
                .addDeserializer(String.class, new Strict<>(String.class, null))
                .addDeserializer(Boolean.class, new Strict<>(Boolean.class, null))
                .addDeserializer(Integer.class, new Strict<>(Integer.class, null))
                .addDeserializer(Long.class, new Strict<>(Long.class, null))
                .addDeserializer(Double.class, new Strict<>(Double.class, null))
                .addDeserializer(Instant.class, new Strict<>(Instant.class, null));
    }

    /**
     * An instant as the API takes it: ISO-8601 with an offset or Z, or epoch milliseconds, within the years 0-9999
     * (what Avro timestamp-millis and every client in between expect); null if it is not one.
     */
    private static Instant instant(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            long millis = p.getLongValue();
            return millis >= 0 && millis < 253_402_300_800_000L ? Instant.ofEpochMilli(millis) : null;
        }
        if (t == JsonToken.VALUE_STRING) {
            try {
                Instant parsed = OffsetDateTime.parse(p.getText()).toInstant();
                return parsed.getEpochSecond() < -62_135_596_800L || parsed.getEpochSecond() > 253_402_300_799L ? null : parsed;
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    private static final class Strict<T> extends StdScalarDeserializer<T> implements ContextualDeserializer {
        private final Class<T> type;
        private final String wrongType;

        Strict(Class<T> type, String wrongType) {
            super(type);
            this.type = type;
            this.wrongType = wrongType;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            WrongType says = property == null ? null : property.getAnnotation(WrongType.class);
            return says == null ? this : new Strict<>(type, says.value());
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            Object value = null;
            if (type == String.class && t == JsonToken.VALUE_STRING) {
                value = p.getText();
            } else if (type == Boolean.class && (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE)) {
                value = t == JsonToken.VALUE_TRUE;
            } else if (type == Integer.class && t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                value = p.getIntValue();
            } else if (type == Long.class && t == JsonToken.VALUE_NUMBER_INT
                    && (p.getNumberType() == JsonParser.NumberType.INT || p.getNumberType() == JsonParser.NumberType.LONG)) {
                value = p.getLongValue();
            } else if (type == Double.class && (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT)) {
                value = p.getDoubleValue();
            } else if (type == Instant.class) {
                value = instant(p, t);
            }
            if (value != null) {
                return type.cast(value);
            }
            return type.cast(ctxt.handleUnexpectedToken(type, t, p, wrongType));
        }
    }
}
