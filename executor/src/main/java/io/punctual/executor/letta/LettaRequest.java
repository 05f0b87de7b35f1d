package io.punctual.executor.letta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.punctual.schemas.DeliveryMode;

import java.util.Objects;

/**
 * One message call to a Letta agent.
 *
 * @param baseUrl        the Letta server, e.g. {@code https://api.letta.com}
 * @param agentId        the agent addressed
 * @param mode           async (answered with a run) or sync (answered with the reply)
 * @param apiKey         the plaintext bearer key; never printed
 * @param body           the JSON body of the call
 * @param idempotencyKey sent as {@code Idempotency-Key} so a repeated delivery of one fire can be recognised
 */
record LettaRequest(String baseUrl, String agentId, DeliveryMode mode, String apiKey, ObjectNode body, String idempotencyKey) {

    public LettaRequest {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    }

    /** The path of the call, with the agent id encoded as one path segment. */
    String path() {
        String messages = "/v1/agents/" + PathSegments.encode(agentId) + "/messages";
        return mode == DeliveryMode.SYNC ? messages : messages + "/async";
    }

    /** The absolute URI of the call. */
    String uri() {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return base + path();
    }

    @Override
    public String toString() {
        // The generated toString would print the key.
        return "LettaRequest[" + mode + " " + uri() + ", idempotencyKey=" + idempotencyKey + "]";
    }
}
