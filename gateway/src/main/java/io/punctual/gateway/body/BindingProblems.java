package io.punctual.gateway.body;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import io.punctual.gateway.problem.FieldError;

import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Notes each unknown field and each value of the wrong JSON type under its path and lets binding go on, so one
 * answer names every field at fault (as the hand-written parsers did), not only the first.
 */
final class BindingProblems extends DeserializationProblemHandler {
    /** The request's error list, a {@link DeserializationContext} attribute. */
    static final String ERRORS = "punctual.binding-errors";

    @SuppressWarnings("unchecked")
    static void add(DeserializationContext ctxt, String field, String message) {
        List<FieldError> errors = (List<FieldError>) ctxt.getAttribute(ERRORS);
        if (errors.stream().noneMatch(e -> e.field().equals(field))) {
            errors.add(new FieldError(field, message));
        }
    }

    @Override
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                         Object beanOrClass, String propertyName) throws IOException {
        String field = JsonPaths.of(p);
        Class<?> bean = beanOrClass instanceof Class<?> c ? c : beanOrClass.getClass();
        UnknownFieldWording wording = bean.getAnnotation(UnknownFieldWording.class);
        Collection<Object> known = deserializer == null ? null : deserializer.getKnownPropertyNames();
        if (wording != null) {
            add(ctxt, field, wording.value());
        } else if (known == null || known.isEmpty()) {
            add(ctxt, field, "is not a known field");
        } else {
            TreeSet<String> names = new TreeSet<>();
            known.forEach(k -> names.add(k.toString()));
            if (UnreadableVariant.isVariant(bean)) {
                names.add("type");
            }
            add(ctxt, field, "is not a known field; known fields are " + String.join(", ", names));
        }
        p.skipChildren();
        return true;
    }

    @Override
    public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p,
                                        String failureMsg) throws IOException {
        JsonStreamContext at = JsonPaths.valueContext(p);
        Class<?> type = targetType.getRawClass();
        if (type == String.class && at.inArray() && failureMsg == null) {
            // An element of a list of strings: the list is named, as the hand-written parsers did.
            add(ctxt, JsonPaths.of(at.getParent()), "must be an array of strings");
        } else {
            add(ctxt, JsonPaths.of(at), failureMsg != null ? failureMsg : wording(type));
        }
        p.skipChildren();
        return null;
    }

    @Override
    public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> instClass, ValueInstantiator valueInsts,
                                            JsonParser p, String msg) throws IOException {
        // An object type given a scalar (a string, a number, a boolean).
        add(ctxt, JsonPaths.of(p), wording(instClass));
        p.skipChildren();
        return null;
    }

    @Override
    public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String valueToConvert, String failureMsg) {
        add(ctxt, JsonPaths.of(ctxt.getParser()), Objects.requireNonNullElse(failureMsg, wording(targetType)));
        return null;
    }

    @Override
    public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType, Number valueToConvert, String failureMsg) {
        add(ctxt, JsonPaths.of(ctxt.getParser()), Objects.requireNonNullElse(failureMsg, wording(targetType)));
        return null;
    }

    /** What a value of the wrong JSON type for {@code type} is told. */
    static String wording(Class<?> type) {
        WrongType says = type.getAnnotation(WrongType.class);
        if (says != null) {
            return says.value();
        }
        if (type == String.class) {
            return "must be a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
            return "must be an integer";
        }
        if (type == Double.class || type == double.class) {
            return "must be a number";
        }
        if (type == Instant.class) {
            return "must be an ISO-8601 instant with an offset or Z (e.g. 2026-12-01T09:00:00+01:00), or epoch milliseconds";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "must be an object of string values";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "must be an array of strings";
        }
        return "has the wrong JSON type";
    }
}
