package io.punctual.gateway.problem;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Makes the errors Micronaut raises itself (no such route, wrong method or content type, a body that does not
 * bind, an unexpected exception) problem documents too, so a client sees one error format everywhere.
 */
@Singleton
@Replaces(JsonErrorResponseBodyProvider.class)
public class ProblemJsonErrorBodyProvider implements JsonErrorResponseBodyProvider<ProblemDocument> {

    @Override
    public ProblemDocument body(ErrorContext context, HttpResponse<?> response) {
        int status = response.getStatus().getCode();
        List<FieldError> errors = context.getErrors().stream()
                .filter(e -> e.getPath().isPresent())
                .map(e -> new FieldError(e.getPath().get(), e.getMessage()))
                .toList();
        String detail = status >= 500
                ? "The server failed to answer; the request may be retried."
                : context.getErrors().stream().map(Error::getMessage).findFirst().orElse(response.reason());
        return ProblemDocument.of(ProblemType.uriForStatus(status), response.reason(), status, detail, context.getRequest(), errors);
    }

    @Override
    public String contentType() {
        return ProblemType.MEDIA_TYPE;
    }
}
