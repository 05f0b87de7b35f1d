package io.punctual.gateway.v1;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A duration as people write it in the API ({@link Durations}): "30s", "15m", "2h", "1d". Null is valid. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
@Constraint(validatedBy = {})
public @interface DurationText {
    String message() default "must be a duration such as \"30s\", \"15m\", \"2h\" or \"1d\"";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
