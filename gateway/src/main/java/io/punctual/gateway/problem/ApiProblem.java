package io.punctual.gateway.problem;

import java.util.List;

/** A client-facing problem: thrown anywhere in a request, answered as application/problem+json. */
public class ApiProblem extends RuntimeException {
    private final ProblemType type;
    private final String detail;
    private final List<FieldError> errors;

    public ApiProblem(ProblemType type, String detail, List<FieldError> errors) {
        super(detail);
        this.type = type;
        this.detail = detail;
        this.errors = List.copyOf(errors);
    }

    public ApiProblem(ProblemType type, String detail) {
        this(type, detail, List.of());
    }

    public static ApiProblem invalid(String field, String message) {
        return new ApiProblem(ProblemType.VALIDATION, field + " " + message, List.of(new FieldError(field, message)));
    }

    public static ApiProblem invalid(List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + " " + errors.get(0).message()
                : errors.size() + " fields are invalid: " + String.join(", ", errors.stream().map(FieldError::field).toList());
        return new ApiProblem(ProblemType.VALIDATION, detail, errors);
    }

    public ProblemType type() {
        return type;
    }

    public String detail() {
        return detail;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
