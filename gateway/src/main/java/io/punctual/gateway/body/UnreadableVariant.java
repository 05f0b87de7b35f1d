package io.punctual.gateway.body;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;

import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The default variant of a {@code type}-discriminated body ({@link JsonTypeInfo#defaultImpl}): reached when the value
 * is not an object or its {@code type} is missing or unknown. It notes which, under the field's path, skips the
 * value and stands for it, so the rest of the request is still checked.
 */
public abstract class UnreadableVariant<T> extends StdDeserializer<T> {
    private final Class<?> base;
    private final T placeholder;

    protected UnreadableVariant(Class<?> base, T placeholder) {
        super(placeholder.getClass());
        this.base = base;
        this.placeholder = placeholder;
    }

    /** Whether {@code type} is a variant of a {@code type}-discriminated body (so {@code type} is one of its fields). */
    static boolean isVariant(Class<?> type) {
        return Arrays.stream(type.getInterfaces()).anyMatch(i -> i.isAnnotationPresent(JsonTypeInfo.class));
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.FIELD_NAME || t == JsonToken.END_OBJECT) {
            // Inside the object, after its (missing or unknown) type: skip the rest of it. At its end the parser is
            // back in the enclosing context already.
            String object = JsonPaths.of(t == JsonToken.END_OBJECT ? p.getParsingContext() : p.getParsingContext().getParent());
            BindingProblems.add(ctxt, object.isEmpty() ? "type" : object + ".type", "must be one of " + names());
            while (t == JsonToken.FIELD_NAME) {
                p.nextToken();
                p.skipChildren();
                t = p.nextToken();
            }
        } else {
            BindingProblems.add(ctxt, JsonPaths.of(p), BindingProblems.wording(base));
            p.skipChildren();
        }
        return placeholder;
    }

    private String names() {
        JsonSubTypes subtypes = base.getAnnotation(JsonSubTypes.class);
        return Arrays.stream(subtypes.value()).map(JsonSubTypes.Type::name).collect(Collectors.joining(", "));
    }
}
