package io.punctual.gateway.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micronaut.core.annotation.Nullable;
import io.punctual.kernel.letta.LettaMessagesJson;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.WebhookTarget;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The {@code target} of a schedule as the API shows it: letta, webhook or kafka. Secrets are never shown. */
@Schema(oneOf = {TargetJson.Letta.class, TargetJson.Webhook.class, TargetJson.Kafka.class})
sealed interface TargetJson permits TargetJson.Letta, TargetJson.Webhook, TargetJson.Kafka {

    /** The target of a stored schedule (a union of these three in the Avro contract). */
    static TargetJson of(Object target) {
        if (target instanceof LettaTarget letta) {
            return new Letta("letta", letta.getAgentId(), LettaMessagesJson.toJson(letta.getMessages()),
                    letta.getMode().name().toLowerCase(Locale.ROOT), letta.getMaxSteps(), letta.getCallbackUrl(),
                    letta.getIncludeReturnMessageTypes());
        } else if (target instanceof WebhookTarget webhook) {
            // Names only: a header's value is never shown (it is often a credential).
            Map<String, String> headers = new LinkedHashMap<>();
            webhook.getHeaders().keySet().forEach(name -> headers.put(name, TargetBody.REDACTED));
            webhook.getHeaderNames().forEach(name -> headers.put(name, TargetBody.REDACTED));
            return new Webhook("webhook", webhook.getUrl(), webhook.getMethod().name(), headers, readJson(webhook.getBodyJson()));
        } else if (target instanceof KafkaTarget kafka) {
            return new Kafka("kafka", kafka.getTopic(), kafka.getKey(), readJson(kafka.getValueJson()), new LinkedHashMap<>(kafka.getHeaders()));
        }
        throw new IllegalArgumentException("not a target: " + target);
    }

    /** Messages to a Letta agent; the optional fields are absent when not set. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Letta(String type, String agentId, JsonNode messages, String mode,
                 @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer maxSteps,
                 @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String callbackUrl,
                 @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable List<String> includeReturnMessageTypes) implements TargetJson {
    }

    /** An HTTP call; each header's value shows as {@value TargetBody#REDACTED}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Webhook(String type, String url, String method,
                   @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS) Map<String, String> headers,
                   @Nullable JsonNode body) implements TargetJson {
    }

    /** A record produced to a Kafka topic. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Kafka(String type, String topic, @Nullable String key, @Nullable JsonNode value,
                 @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS) Map<String, String> headers) implements TargetJson {
    }

    private static JsonNode readJson(String text) {
        try {
            // One plain mapper, not one per schedule rendered.
            return ScheduleFields.JSON.readTree(text);
        } catch (Exception e) {
            return JsonNodeFactory.instance.textNode(text);
        }
    }
}
