package io.punctual.gateway.v1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.punctual.gateway.body.UnreadableVariant;
import io.punctual.gateway.body.WrongType;
import io.punctual.gateway.problem.FieldError;
import io.punctual.kernel.letta.InvalidMessageException;
import io.punctual.kernel.letta.LettaMessagesJson;
import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.WebhookMethod;
import io.punctual.schemas.WebhookTarget;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** What a schedule delivers to: a Letta agent, a webhook or a Kafka topic, told apart by {@code type}. */
// What a field says about itself is a constraint on it (Bean Validation); what depends on configuration or on the
// schedule's stored target (message limits, the webhook URL policy, a redacted header's stored value) is checked when
// the target becomes its Avro form, in toAvro. The Javadocs here are the OpenAPI document's descriptions.
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", defaultImpl = TargetBody.Unreadable.class)
@JsonSubTypes({
        @JsonSubTypes.Type(value = TargetBody.Letta.class, name = "letta"),
        @JsonSubTypes.Type(value = TargetBody.Webhook.class, name = "webhook"),
        @JsonSubTypes.Type(value = TargetBody.Kafka.class, name = "kafka")})
@WrongType("must be an object such as {\"type\": \"letta\", \"agent_id\": \"agent-123\", \"messages\": [...]}")
sealed interface TargetBody permits TargetBody.Letta, TargetBody.Webhook, TargetBody.Kafka, TargetBody.Unreadable {
    String AGENT_ID = "[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}";
    String AGENT_ID_WORDING = "must be a Letta agent id such as agent-123 (letters, digits, '-', '_', '.', ':'; at most 128)";
    int MIN_SECRET_CHARS = 16;
    int MAX_SECRET_CHARS = 1024;
    /** What a webhook header's value is rendered as; sent back in a change, it keeps the stored value. */
    String REDACTED = "[redacted]";

    /** The Avro target, or null after adding what is wrong to {@code errors} under {@code path}. */
    @Nullable
    Object toAvro(String path, RequestLimits limits, Sealer sealer, List<FieldError> errors);

    /** A message (or several) to a Letta agent. */
    @Introspected
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Letta(
            @WrongType(AGENT_ID_WORDING) @NotNull(message = AGENT_ID_WORDING) @Pattern(regexp = AGENT_ID, message = AGENT_ID_WORDING) String agentId,
            /* Letta's message union, read by the kernel's LettaMessagesJson (shared with the executor). */
            @Nullable JsonNode messages,
            @Nullable @Pattern(regexp = "async|sync", message = "must be async or sync") String mode,
            @WrongType("must be a positive integer") @Nullable @Positive(message = "must be a positive integer") Integer maxSteps,
            @Nullable String callbackUrl,
            @Nullable List<String> includeReturnMessageTypes) implements TargetBody {

        @Override
        public LettaTarget toAvro(String path, RequestLimits limits, Sealer sealer, List<FieldError> errors) {
            String prefix = path.isEmpty() ? "" : path + ".";
            int before = errors.size();
            List<LettaMessage> parsed = messages(messages, prefix + "messages", limits, errors);
            NullValues.refused(includeReturnMessageTypes, prefix + "include_return_message_types", errors);
            if (errors.size() > before || NullValues.named(errors, prefix)) {
                return null;
            }
            return LettaTarget.newBuilder()
                    .setAgentId(agentId)
                    .setMessages(parsed)
                    .setMode(mode == null ? DeliveryMode.ASYNC : DeliveryMode.valueOf(mode.toUpperCase(Locale.ROOT)))
                    .setMaxSteps(maxSteps)
                    .setCallbackUrl(callbackUrl)
                    .setIncludeReturnMessageTypes(includeReturnMessageTypes)
                    .setApiKeyCiphertext(sealer.apiKey())
                    .build();
        }

        /** The messages by the kernel's rules, within the configured count and size. */
        static List<LettaMessage> messages(@Nullable JsonNode messagesNode, String path, RequestLimits limits, List<FieldError> errors) {
            try {
                List<LettaMessage> messages = LettaMessagesJson.fromJson(messagesNode);
                if (messages.isEmpty()) {
                    errors.add(new FieldError(path, "must hold at least one message"));
                } else if (messages.size() > limits.maxMessages()) {
                    errors.add(new FieldError(path, "has " + messages.size() + " messages; at most " + limits.maxMessages() + " are allowed"));
                } else if (utf8Length(messagesNode) > limits.maxMessageBytes()) {
                    errors.add(new FieldError(path, "is " + utf8Length(messagesNode) + " bytes of JSON; at most " + limits.maxMessageBytes() + " are allowed"));
                }
                return messages;
            } catch (InvalidMessageException e) {
                String field = "messages" + e.field();
                String message = e.getMessage().startsWith(field) ? e.getMessage().substring(field.length()).trim() : e.getMessage();
                errors.add(new FieldError(path + e.field(), message));
                return null;
            } catch (RuntimeException e) {
                errors.add(new FieldError(path, "must be an array of Letta messages such as [{\"role\": \"user\", \"content\": \"hi\"}]"));
                return null;
            }
        }

        private static int utf8Length(JsonNode node) {
            return node.toString().getBytes(StandardCharsets.UTF_8).length;
        }
    }

    /** An HTTP call; also a schedule's {@code notify_webhook} (no {@code type} needed there), whose body is the notification. */
    // Bound as itself for notify_webhook, hence no type id handling here; a type given there is ignored, as before.
    @Introspected
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonTypeInfo(use = JsonTypeInfo.Id.NONE)
    @JsonIgnoreProperties("type")
    record Webhook(
            @NotNull(message = "is required: the http or https URL to call") String url,
            @Nullable @Pattern(regexp = "(?i)POST|PUT", message = "must be POST or PUT") String method,
            @Nullable Map<String, String> headers,
            /* Any JSON: sent as it is. */
            @Nullable JsonNode body,
            @Nullable @Size(min = MIN_SECRET_CHARS, max = MAX_SECRET_CHARS,
                    message = "must be " + MIN_SECRET_CHARS + " to " + MAX_SECRET_CHARS + " characters") String secret) implements TargetBody {

        @Override
        public WebhookTarget toAvro(String path, RequestLimits limits, Sealer sealer, List<FieldError> errors) {
            int before = errors.size();
            if (url != null) {
                limits.webhookPolicy().refusal(url).ifPresent(why -> errors.add(new FieldError(path + ".url", "is not allowed: " + why)));
            }
            Map<String, String> given = NullValues.refused(headers, path + ".headers", errors);
            Map<String, String> plain = new TreeMap<>();
            given.forEach((name, value) -> {
                if (!REDACTED.equals(value)) {
                    plain.put(name, value);
                    return;
                }
                // The rendered value sent back (a PUT of what GET answered, a merge patch): keep the stored one.
                sealer.previousHeader(name).ifPresentOrElse(stored -> plain.put(name, stored), () -> errors.add(new FieldError(
                        path + ".headers." + name, "is " + REDACTED + " but the schedule has no such header; give its value")));
            });
            String bodyJson = body == null ? "{}" : body.toString();
            if (bodyJson.getBytes(StandardCharsets.UTF_8).length > limits.maxMessageBytes()) {
                errors.add(new FieldError(path + ".body", "is larger than " + limits.maxMessageBytes() + " bytes"));
            }
            if (errors.size() > before || NullValues.named(errors, path + ".")) {
                return null;
            }
            return WebhookTarget.newBuilder().setUrl(url)
                    .setMethod(method == null ? WebhookMethod.POST : WebhookMethod.valueOf(method.toUpperCase(Locale.ROOT)))
                    // Headers often carry credentials: encrypted like the secret, only their names readable.
                    .setHeaders(Map.of())
                    .setHeadersCiphertext(plain.isEmpty() ? null : sealer.headers(plain))
                    .setHeaderNames(List.copyOf(plain.keySet()))
                    .setBodyJson(bodyJson)
                    // Encrypted like API keys, bound to the schedule; the executor signs each request with it.
                    .setSecretCiphertext(secret == null ? null : sealer.secret(secret))
                    .build();
        }
    }

    /** A record produced to a Kafka topic the operator allows. */
    // Which topics a tenant may use is checked with the tenant, in ScheduleRequest.
    @Introspected
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Kafka(
            @NotNull(message = TOPIC_WORDING) @Pattern(regexp = "(?!punctual\\.)[A-Za-z0-9._-]{1,249}", message = TOPIC_WORDING) String topic,
            @Nullable String key,
            /* Any JSON, null included: the record's value. */
            @NotNull(message = "is required: the JSON value of the record") JsonNode value,
            @Nullable Map<String, String> headers) implements TargetBody {
        static final String TOPIC_WORDING = "must be a Kafka topic name (letters, digits, '.', '_', '-') outside punctual.*";

        @Override
        public KafkaTarget toAvro(String path, RequestLimits limits, Sealer sealer, List<FieldError> errors) {
            int before = errors.size();
            if (value != null && value.toString().getBytes(StandardCharsets.UTF_8).length > limits.maxMessageBytes()) {
                errors.add(new FieldError(path + ".value", "is larger than " + limits.maxMessageBytes() + " bytes"));
            }
            Map<String, String> given = NullValues.refused(headers, path + ".headers", errors);
            if (errors.size() > before || NullValues.named(errors, path + ".")) {
                return null;
            }
            return KafkaTarget.newBuilder().setTopic(topic).setKey(key).setValueJson(value.toString()).setHeaders(new HashMap<>(given)).build();
        }
    }

    /** Stands for a target that is not an object or has no known type (already named in the errors). */
    @Introspected
    @JsonDeserialize(using = Unreadable.Reader.class)
    record Unreadable() implements TargetBody {
        @Override
        public Object toAvro(String path, RequestLimits limits, Sealer sealer, List<FieldError> errors) {
            return null;
        }

        static final class Reader extends UnreadableVariant<Unreadable> {
            Reader() {
                super(TargetBody.class, new Unreadable());
            }
        }
    }
}
