package io.punctual.gateway.body;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What to say when a field (or, on a type, any field of that type) holds the wrong JSON type, for example
 * {@code "max_runs": "5"}. Without it a field of a plain type gets the general wording ("must be a string").
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.RECORD_COMPONENT})
public @interface WrongType {
    String value();
}
