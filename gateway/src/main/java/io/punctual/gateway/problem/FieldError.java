package io.punctual.gateway.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One invalid field of a request: its JSON path and what is wrong with it. */
// Both members always written, as a problem document has always shown them (the gateway's Jackson drops nulls).
@JsonInclude(JsonInclude.Include.ALWAYS)
public record FieldError(String field, String message) {
}
