package io.punctual.gateway.v1;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;
import io.punctual.gateway.body.BodyBinder;
import io.punctual.gateway.problem.FieldError;
import io.punctual.schemas.LettaTarget;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Supplier;

/** The /v1 rules for a Letta target, for the other doors that build one (same limits, same messages). */
public final class V1Targets {
    private V1Targets() {
    }

    /**
     * The Letta target these fields make, checked as a /v1 Letta target given at the top level; null after adding
     * what is wrong to {@code errors}.
     */
    public static LettaTarget letta(String agentId, @Nullable JsonNode messages, @Nullable Integer maxSteps, @Nullable String callbackUrl,
                                    @Nullable List<String> includeReturnMessageTypes, RequestLimits limits, Supplier<ByteBuffer> ciphertext,
                                    BodyBinder bodies, List<FieldError> errors) {
        TargetBody.Letta letta = new TargetBody.Letta(agentId, messages, null, maxSteps, callbackUrl, includeReturnMessageTypes);
        bodies.validate(letta, "", errors);
        return letta.toAvro("", limits, Sealer.apiKeyOnly(ciphertext), errors);
    }
}
