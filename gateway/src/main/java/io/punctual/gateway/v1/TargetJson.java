package io.punctual.gateway.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.punctual.kernel.letta.LettaMessagesJson;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.WebhookTarget;

import java.util.Locale;

/** Renders the {@code target} of a schedule: letta, webhook or kafka. Secrets are never rendered. */
final class TargetJson {
    private TargetJson() {
    }

    static ObjectNode render(Object target) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        if (target instanceof LettaTarget letta) {
            json.put("type", "letta");
            json.put("agent_id", letta.getAgentId());
            json.set("messages", LettaMessagesJson.toJson(letta.getMessages()));
            json.put("mode", letta.getMode().name().toLowerCase(Locale.ROOT));
            if (letta.getMaxSteps() != null) {
                json.put("max_steps", letta.getMaxSteps());
            }
            if (letta.getCallbackUrl() != null) {
                json.put("callback_url", letta.getCallbackUrl());
            }
            if (letta.getIncludeReturnMessageTypes() != null) {
                letta.getIncludeReturnMessageTypes().forEach(json.putArray("include_return_message_types")::add);
            }
        } else if (target instanceof WebhookTarget webhook) {
            json.put("type", "webhook");
            json.put("url", webhook.getUrl());
            json.put("method", webhook.getMethod().name());
            // Names only: a header's value is never rendered (it is often a credential).
            ObjectNode headers = json.putObject("headers");
            webhook.getHeaders().keySet().forEach(name -> headers.put(name.toString(), TargetBody.REDACTED));
            webhook.getHeaderNames().forEach(name -> headers.put(name.toString(), TargetBody.REDACTED));
            json.set("body", readJson(webhook.getBodyJson()));
        } else if (target instanceof KafkaTarget kafka) {
            json.put("type", "kafka");
            json.put("topic", kafka.getTopic());
            json.put("key", kafka.getKey());
            json.set("value", readJson(kafka.getValueJson()));
            ObjectNode headers = json.putObject("headers");
            kafka.getHeaders().forEach(headers::put);
        }
        return json;
    }

    private static JsonNode readJson(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception e) {
            return JsonNodeFactory.instance.textNode(text);
        }
    }
}
