package io.punctual.gateway.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.punctual.gateway.problem.FieldError;
import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.WebhookMethod;
import io.punctual.schemas.WebhookTarget;
import io.punctual.kernel.letta.InvalidMessageException;
import io.punctual.kernel.letta.LettaMessagesJson;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Parses and renders the {@code target} of a schedule: letta, webhook or kafka. Secrets are never rendered. */
final class TargetJson {
    static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    static final Set<String> LETTA_FIELDS = Set.of("type", "agent_id", "messages", "mode", "max_steps", "callback_url",
            "include_return_message_types");
    private static final Set<String> WEBHOOK_FIELDS = Set.of("type", "url", "method", "headers", "body", "secret");
    static final int MIN_SECRET_CHARS = 16;
    static final int MAX_SECRET_CHARS = 1024;
    private static final Set<String> KAFKA_FIELDS = Set.of("type", "topic", "key", "value", "headers");
    /** What a webhook header's value is rendered as; sent back in a change, it keeps the stored value. */
    static final String REDACTED = "[redacted]";

    private TargetJson() {
    }

    /**
     * The target described by {@code node}; {@code sealer} supplies the caller's encrypted key for a
     * Letta target. Mistakes are added to {@code errors} under {@code path}.
     */
    static Object parse(JsonNode node, String path, RequestLimits limits, Sealer sealer,
                        List<FieldError> errors) {
        if (node == null || !node.isObject()) {
            errors.add(new FieldError(path, "must be an object such as {\"type\": \"letta\", \"agent_id\": \"agent-123\", \"messages\": [...]}"));
            return null;
        }
        JsonNode type = node.get("type");
        String typeText = type == null || !type.isTextual() ? "" : type.asText();
        return switch (typeText) {
            case "letta" -> letta(node, path, limits, sealer, errors);
            case "webhook" -> webhook(node, path, limits, sealer, errors);
            case "kafka" -> kafka(node, path, limits, errors);
            default -> {
                errors.add(new FieldError(path + ".type", "must be one of letta, webhook, kafka"));
                yield null;
            }
        };
    }

    static LettaTarget letta(JsonNode node, String path, RequestLimits limits, Sealer sealer,
                             List<FieldError> errors) {
        unknownFields(node, LETTA_FIELDS, path, errors);
        String prefix = path.isEmpty() ? "" : path + ".";
        int before = errors.size();
        JsonNode agent = node.get("agent_id");
        if (agent == null || !agent.isTextual() || !AGENT_ID.matcher(agent.asText()).matches()) {
            errors.add(new FieldError(prefix + "agent_id", "must be a Letta agent id such as agent-123 (letters, digits, '-', '_', '.', ':'; at most 128)"));
        }
        List<LettaMessage> messages = messages(node.get("messages"), prefix + "messages", limits, errors);
        String mode = optionalText(node, "mode", prefix, errors);
        if (mode != null && !mode.equals("async") && !mode.equals("sync")) {
            errors.add(new FieldError(prefix + "mode", "must be async or sync"));
        }
        Integer maxSteps = null;
        JsonNode steps = node.get("max_steps");
        if (steps != null && !steps.isNull()) {
            if (!steps.isIntegralNumber() || !steps.canConvertToInt() || steps.asInt() < 1) {
                errors.add(new FieldError(prefix + "max_steps", "must be a positive integer"));
            } else {
                maxSteps = steps.asInt();
            }
        }
        String callbackUrl = optionalText(node, "callback_url", prefix, errors);
        List<String> returnTypes = null;
        JsonNode types = node.get("include_return_message_types");
        if (types != null && !types.isNull()) {
            returnTypes = new ArrayList<>();
            if (!types.isArray()) {
                errors.add(new FieldError(prefix + "include_return_message_types", "must be an array of strings"));
            } else {
                for (JsonNode t : types) {
                    if (!t.isTextual()) {
                        errors.add(new FieldError(prefix + "include_return_message_types", "must be an array of strings"));
                        break;
                    }
                    returnTypes.add(t.asText());
                }
            }
        }
        if (errors.size() > before) {
            return null;
        }
        return LettaTarget.newBuilder()
                .setAgentId(agent.asText())
                .setMessages(messages)
                .setMode(mode == null ? DeliveryMode.ASYNC : DeliveryMode.valueOf(mode.toUpperCase(Locale.ROOT)))
                .setMaxSteps(maxSteps)
                .setCallbackUrl(callbackUrl)
                .setIncludeReturnMessageTypes(returnTypes)
                .setApiKeyCiphertext(sealer.apiKey())
                .build();
    }

    static List<LettaMessage> messages(JsonNode messagesNode, String path, RequestLimits limits, List<FieldError> errors) {
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

    /** A schedule's notify_webhook: a webhook target without {@code type}; its body is the notification's. */
    static WebhookTarget notifyWebhook(JsonNode node, String path, RequestLimits limits, Sealer sealer, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            errors.add(new FieldError(path, "must be an object: {\"url\": ..., \"secret\": ...}"));
            return null;
        }
        ObjectNode webhook = node.deepCopy();
        webhook.remove("type");
        return webhook(webhook, path, limits, sealer, errors);
    }

    private static WebhookTarget webhook(JsonNode node, String path, RequestLimits limits, Sealer sealer, List<FieldError> errors) {
        unknownFields(node, WEBHOOK_FIELDS, path, errors);
        int before = errors.size();
        String url = optionalText(node, "url", path + ".", errors);
        if (url == null) {
            errors.add(new FieldError(path + ".url", "is required: the http or https URL to call"));
        } else {
            limits.webhookPolicy().refusal(url).ifPresent(why -> errors.add(new FieldError(path + ".url", "is not allowed: " + why)));
        }
        String method = optionalText(node, "method", path + ".", errors);
        if (method != null && !method.equalsIgnoreCase("POST") && !method.equalsIgnoreCase("PUT")) {
            errors.add(new FieldError(path + ".method", "must be POST or PUT"));
        }
        Map<String, String> headers = stringMap(node.get("headers"), path + ".headers", errors);
        headers.replaceAll((name, value) -> {
            if (!REDACTED.equals(value)) {
                return value;
            }
            // The rendered value sent back (a PUT of what GET answered, a merge patch): keep the stored one.
            return sealer.previousHeader(name).orElseGet(() -> {
                errors.add(new FieldError(path + ".headers." + name, "is " + REDACTED + " but the schedule has no such header; give its value"));
                return value;
            });
        });
        JsonNode body = node.get("body");
        String bodyJson = body == null || body.isMissingNode() ? "{}" : body.toString();
        if (bodyJson.getBytes(StandardCharsets.UTF_8).length > limits.maxMessageBytes()) {
            errors.add(new FieldError(path + ".body", "is larger than " + limits.maxMessageBytes() + " bytes"));
        }
        String secret = optionalText(node, "secret", path + ".", errors);
        if (secret != null && (secret.length() < MIN_SECRET_CHARS || secret.length() > MAX_SECRET_CHARS)) {
            errors.add(new FieldError(path + ".secret", "must be " + MIN_SECRET_CHARS + " to " + MAX_SECRET_CHARS + " characters"));
        }
        if (errors.size() > before) {
            return null;
        }
        return WebhookTarget.newBuilder().setUrl(url)
                .setMethod(method == null ? WebhookMethod.POST : WebhookMethod.valueOf(method.toUpperCase(Locale.ROOT)))
                // Headers often carry credentials: encrypted like the secret, only their names readable.
                .setHeaders(Map.of())
                .setHeadersCiphertext(headers.isEmpty() ? null : sealer.headers(headers))
                .setHeaderNames(headers.keySet().stream().sorted().toList())
                .setBodyJson(bodyJson)
                // Encrypted like API keys, bound to the schedule; the executor signs each request with it.
                .setSecretCiphertext(secret == null ? null : sealer.secret(secret))
                .build();
    }

    private static KafkaTarget kafka(JsonNode node, String path, RequestLimits limits, List<FieldError> errors) {
        unknownFields(node, KAFKA_FIELDS, path, errors);
        int before = errors.size();
        String topic = optionalText(node, "topic", path + ".", errors);
        if (topic == null || !TOPIC.matcher(topic).matches() || topic.startsWith("punctual.")) {
            errors.add(new FieldError(path + ".topic", "must be a Kafka topic name (letters, digits, '.', '_', '-') outside punctual.*"));
        }
        String key = optionalText(node, "key", path + ".", errors);
        JsonNode value = node.get("value");
        if (value == null) {
            errors.add(new FieldError(path + ".value", "is required: the JSON value of the record"));
        } else if (value.toString().getBytes(StandardCharsets.UTF_8).length > limits.maxMessageBytes()) {
            errors.add(new FieldError(path + ".value", "is larger than " + limits.maxMessageBytes() + " bytes"));
        }
        Map<String, String> headers = stringMap(node.get("headers"), path + ".headers", errors);
        if (errors.size() > before) {
            return null;
        }
        return KafkaTarget.newBuilder().setTopic(topic).setKey(key).setValueJson(value.toString()).setHeaders(headers).build();
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
            webhook.getHeaders().keySet().forEach(name -> headers.put(name.toString(), REDACTED));
            webhook.getHeaderNames().forEach(name -> headers.put(name.toString(), REDACTED));
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

    static void unknownFields(JsonNode node, Set<String> known, String path, List<FieldError> errors) {
        String prefix = path.isEmpty() ? "" : path + ".";
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                errors.add(new FieldError(prefix + name, "is not a known field; known fields are " + String.join(", ", known.stream().sorted().toList())));
            }
        });
    }

    static String optionalText(JsonNode node, String field, String prefix, List<FieldError> errors) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add(new FieldError(prefix + field, "must be a string"));
            return null;
        }
        return value.asText();
    }

    static Map<String, String> stringMap(JsonNode node, String path, List<FieldError> errors) {
        Map<String, String> out = new HashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            errors.add(new FieldError(path, "must be an object of string values"));
            return out;
        }
        node.fields().forEachRemaining(e -> {
            if (e.getValue().isTextual()) {
                out.put(e.getKey(), e.getValue().asText());
            } else {
                errors.add(new FieldError(path + "." + e.getKey(), "must be a string"));
            }
        });
        return out;
    }

    private static int utf8Length(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8).length;
    }
}
