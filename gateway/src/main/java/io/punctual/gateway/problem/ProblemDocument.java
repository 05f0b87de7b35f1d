package io.punctual.gateway.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;

import java.util.List;

/**
 * An RFC 9457 problem document: {@code type}, {@code title} and {@code status} always; {@code detail},
 * {@code instance} (the request's path) and {@code errors} (one per invalid field) only when there is one.
 */
@JsonPropertyOrder({"type", "title", "status", "detail", "instance", "errors"})
@JsonInclude(JsonInclude.Include.NON_NULL)
record ProblemDocument(
        String type,
        String title,
        int status,
        @Nullable String detail,
        @Nullable String instance,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<FieldError> errors) {

    static ProblemDocument of(String type, String title, int status, @Nullable String detail, @Nullable HttpRequest<?> request,
                              List<FieldError> errors) {
        return new ProblemDocument(type, title, status, detail, request == null ? null : request.getPath(), List.copyOf(errors));
    }
}
