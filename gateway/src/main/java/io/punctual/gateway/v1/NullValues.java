package io.punctual.gateway.v1;

import io.micronaut.core.annotation.Nullable;
import io.punctual.gateway.problem.FieldError;

import java.util.List;
import java.util.Map;

/** The checks a body's maps and lists need beyond their types: a JSON null inside is not a string. */
final class NullValues {
    private NullValues() {
    }

    /** The map (empty if absent); each null value is named. */
    static Map<String, String> refused(@Nullable Map<String, String> map, String path, List<FieldError> errors) {
        if (map == null) {
            return Map.of();
        }
        map.forEach((key, value) -> {
            if (value == null) {
                add(errors, path + "." + key, "must be a string");
            }
        });
        return map;
    }

    /** Names the list if it holds a null. */
    static void refused(@Nullable List<String> list, String path, List<FieldError> errors) {
        if (list != null && list.contains(null)) {
            add(errors, path, "must be an array of strings");
        }
    }

    /** A value of the wrong JSON type is null after binding, and already named: once is enough. */
    private static void add(List<FieldError> errors, String field, String message) {
        if (errors.stream().noneMatch(e -> e.field().equals(field))) {
            errors.add(new FieldError(field, message));
        }
    }

    /** Whether any error is at or under {@code prefix} (every error, for the empty prefix). */
    static boolean named(List<FieldError> errors, String prefix) {
        return prefix.isEmpty() ? !errors.isEmpty() : errors.stream().anyMatch(e -> e.field().startsWith(prefix));
    }
}
