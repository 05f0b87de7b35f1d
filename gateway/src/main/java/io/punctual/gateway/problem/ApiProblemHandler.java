package io.punctual.gateway.problem;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.punctual.gateway.limits.TenantRateLimiter;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Answers an {@link ApiProblem} as application/problem+json with its status. */
@Produces
@Singleton
public class ApiProblemHandler implements ExceptionHandler<ApiProblem, HttpResponse<?>> {

    @Override
    public HttpResponse<?> handle(HttpRequest request, ApiProblem problem) {
        ProblemType type = problem.type();
        MutableHttpResponse<Object> response = HttpResponse.status(type.status());
        if (problem instanceof TenantRateLimiter.RateLimited limited) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(limited.retryAfterSeconds()));
        }
        return response
                .contentType(MediaType.of(ProblemType.MEDIA_TYPE))
                .body(ProblemDocument.of(type.uri(), type.title(), type.status().getCode(), problem.detail(), request, problem.errors()));
    }
}
