package io.punctual.gateway.body;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What an unknown field of this body is told, for the doors that serve another service's API and keep its words;
 * without it, the body's known fields are listed.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface UnknownFieldWording {
    String value();
}
