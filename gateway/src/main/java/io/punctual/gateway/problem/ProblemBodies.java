package io.punctual.gateway.problem;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.http.HttpRequest;

import java.util.List;

/** Builds RFC 9457 problem documents. */
final class ProblemBodies {
    private ProblemBodies() {
    }

    static ObjectNode body(String type, String title, int status, String detail, HttpRequest<?> request, List<FieldError> errors) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", type);
        body.put("title", title);
        body.put("status", status);
        if (detail != null) {
            body.put("detail", detail);
        }
        if (request != null) {
            body.put("instance", request.getPath());
        }
        if (!errors.isEmpty()) {
            ArrayNode array = body.putArray("errors");
            for (FieldError e : errors) {
                array.addObject().put("field", e.field()).put("message", e.message());
            }
        }
        return body;
    }
}
