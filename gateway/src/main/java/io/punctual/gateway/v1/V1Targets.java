package io.punctual.gateway.v1;

import com.fasterxml.jackson.databind.JsonNode;
import io.punctual.gateway.problem.FieldError;
import io.punctual.schemas.LettaTarget;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Supplier;

/** The /v1 rules for a Letta target, for the other doors that build one (same limits, same messages). */
public final class V1Targets {
    private V1Targets() {
    }

    public static LettaTarget letta(JsonNode node, RequestLimits limits, Supplier<ByteBuffer> ciphertext, List<FieldError> errors) {
        return TargetJson.letta(node, "", limits, Sealer.apiKeyOnly(ciphertext), errors);
    }
}
