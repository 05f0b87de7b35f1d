package io.punctual.gateway.v1;

import io.micronaut.core.annotation.AnnotationValue;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.validation.validator.constraints.ConstraintValidator;
import io.micronaut.validation.validator.constraints.ConstraintValidatorContext;
import jakarta.inject.Singleton;

/** Checks {@link DurationText}. */
@Singleton
class DurationTextValidator implements ConstraintValidator<DurationText, String> {
    @Override
    public boolean isValid(@Nullable String value, AnnotationValue<DurationText> annotation, ConstraintValidatorContext context) {
        return value == null || Durations.parse(value) != null;
    }
}
