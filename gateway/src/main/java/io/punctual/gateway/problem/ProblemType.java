package io.punctual.gateway.problem;

import io.micronaut.http.HttpStatus;

/** The kinds of problem the API answers with; each has a stable type URI that clients can switch on. */
public enum ProblemType {
    VALIDATION("validation", HttpStatus.BAD_REQUEST, "The request is not valid"),
    MALFORMED_JSON("malformed-json", HttpStatus.BAD_REQUEST, "The body is not valid JSON"),
    UNAUTHENTICATED("unauthenticated", HttpStatus.UNAUTHORIZED, "A Letta API key is required"),
    FORBIDDEN("forbidden", HttpStatus.FORBIDDEN, "This API key may not access this resource"),
    QUOTA_EXCEEDED("quota-exceeded", HttpStatus.FORBIDDEN, "A quota of this API key is used up"),
    RATE_LIMITED("rate-limited", HttpStatus.TOO_MANY_REQUESTS, "Too many requests"),
    NOT_FOUND("not-found", HttpStatus.NOT_FOUND, "Not found"),
    CONFLICT("conflict", HttpStatus.CONFLICT, "The request conflicts with the current state"),
    VERSION_CONFLICT("version-conflict", HttpStatus.PRECONDITION_FAILED, "The schedule changed since the version given"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported content type"),
    PLANNER_TIMEOUT("planner-timeout", HttpStatus.SERVICE_UNAVAILABLE, "The planner did not acknowledge the command in time"),
    UNAVAILABLE("unavailable", HttpStatus.SERVICE_UNAVAILABLE, "A dependency is unavailable"),
    INTERNAL("internal", HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

    static final String MEDIA_TYPE = "application/problem+json";
    private static final String BASE = "urn:punctual:problem:";

    private final String slug;
    private final HttpStatus status;
    private final String title;

    ProblemType(String slug, HttpStatus status, String title) {
        this.slug = slug;
        this.status = status;
        this.title = title;
    }

    String uri() {
        return BASE + slug;
    }

    HttpStatus status() {
        return status;
    }

    String title() {
        return title;
    }

    /** The generic type of an HTTP error that Micronaut itself raised (no route, wrong method, ...). */
    static String uriForStatus(int status) {
        return BASE + "http-" + status;
    }
}
