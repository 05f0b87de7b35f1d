package io.punctual.gateway.problem;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads request bodies as JSON trees, turning any syntax error into a problem with its position. */
public final class JsonBodies {
    // Bounded nesting: a deeply nested body must be a 400, not a stack overflow.
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build());

    private JsonBodies() {
    }

    public static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw new ApiProblem(ProblemType.MALFORMED_JSON, "The request has no body; send a JSON object.");
        }
        try {
            JsonNode tree = JSON.readTree(body);
            if (tree == null || tree.isMissingNode()) {
                throw new ApiProblem(ProblemType.MALFORMED_JSON, "The request has no body; send a JSON object.");
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new ApiProblem(ProblemType.MALFORMED_JSON, "The body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
    }
}
