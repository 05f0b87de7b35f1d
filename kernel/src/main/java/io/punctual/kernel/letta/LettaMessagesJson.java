package io.punctual.kernel.letta;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.punctual.schemas.ContentPart;
import io.punctual.schemas.ImageSource;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Converts Letta messages between the JSON of Letta's API and the Avro records on the topics, in both
 * directions, so the gateway (JSON in) and the executor (JSON out) agree on one mapping.
 */
public final class LettaMessagesJson {
    static final Set<String> ROLES = Set.of("user", "system", "assistant");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private LettaMessagesJson() {
    }

    /**
     * Reads Letta's {@code messages} array. Field paths in the exceptions are relative to the array
     * (for example {@code [0].content}), for the caller to prefix.
     */
    public static List<LettaMessage> fromJson(JsonNode messages) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new InvalidMessageException("", "must be a non-empty array of messages");
        }
        List<LettaMessage> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            out.add(message(messages.get(i), "[" + i + "]"));
        }
        return out;
    }

    private static LettaMessage message(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new InvalidMessageException(path, "must be an object with 'role' and 'content'");
        }
        JsonNode role = node.get("role");
        String roleText = role == null || role.isNull() ? "user" : role.isTextual() ? role.asText() : null;
        if (roleText == null || !ROLES.contains(roleText)) {
            throw new InvalidMessageException(path + ".role", "must be one of user, system, assistant");
        }
        JsonNode content = node.get("content");
        Object avroContent;
        if (content != null && content.isTextual()) {
            avroContent = content.asText();
        } else if (content != null && content.isArray() && !content.isEmpty()) {
            List<ContentPart> parts = new ArrayList<>();
            for (int i = 0; i < content.size(); i++) {
                parts.add(part(content.get(i), path + ".content[" + i + "]"));
            }
            avroContent = parts;
        } else {
            throw new InvalidMessageException(path + ".content", "must be a string or a non-empty array of content parts");
        }
        return LettaMessage.newBuilder()
                .setRole(roleText)
                .setContent(avroContent)
                .setName(optionalText(node, "name", path))
                .setOtid(optionalText(node, "otid", path))
                .setSenderId(optionalText(node, "sender_id", path))
                .build();
    }

    private static ContentPart part(JsonNode node, String path) {
        if (node == null || !node.isObject() || !node.path("type").isTextual()) {
            throw new InvalidMessageException(path, "must be an object with a 'type' of text or image");
        }
        String type = node.get("type").asText();
        if (type.equals("text")) {
            if (!node.path("text").isTextual()) {
                throw new InvalidMessageException(path + ".text", "must be a string");
            }
            return ContentPart.newBuilder().setType(type).setText(node.get("text").asText()).build();
        }
        if (type.equals("image")) {
            JsonNode source = node.get("source");
            if (source == null || !source.path("type").isTextual() || !source.path("media_type").isTextual() || !source.path("data").isTextual()) {
                throw new InvalidMessageException(path + ".source", "must have string fields type, media_type and data");
            }
            return ContentPart.newBuilder().setType(type).setSource(ImageSource.newBuilder()
                    .setType(source.get("type").asText())
                    .setMediaType(source.get("media_type").asText())
                    .setData(source.get("data").asText()).build()).build();
        }
        throw new InvalidMessageException(path + ".type", "must be text or image");
    }

    private static String optionalText(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidMessageException(path + "." + field, "must be a string");
        }
        return value.asText();
    }

    /**
     * The same array as {@link #toJson}, written straight to a generator: a gateway's list page writes the messages
     * of 50 schedules twice each, and building the tree first was a tenth of its CPU. The gateway's
     * {@code ScheduleJsonWriterTest} holds the two to the same text.
     */
    public static void write(List<LettaMessage> messages, JsonGenerator gen) throws IOException {
        gen.writeStartArray();
        for (LettaMessage m : messages) {
            gen.writeStartObject();
            gen.writeStringField("role", m.getRole());
            if (m.getContent() instanceof CharSequence text) {
                gen.writeStringField("content", text.toString());
            } else {
                gen.writeArrayFieldStart("content");
                @SuppressWarnings("unchecked")
                List<ContentPart> list = (List<ContentPart>) m.getContent();
                for (ContentPart p : list) {
                    gen.writeStartObject();
                    gen.writeStringField("type", p.getType());
                    if (p.getText() != null) {
                        gen.writeStringField("text", p.getText());
                    }
                    if (p.getSource() != null) {
                        gen.writeObjectFieldStart("source");
                        gen.writeStringField("type", p.getSource().getType());
                        gen.writeStringField("media_type", p.getSource().getMediaType());
                        gen.writeStringField("data", p.getSource().getData());
                        gen.writeEndObject();
                    }
                    gen.writeEndObject();
                }
                gen.writeEndArray();
            }
            if (m.getName() != null) {
                gen.writeStringField("name", m.getName());
            }
            if (m.getOtid() != null) {
                gen.writeStringField("otid", m.getOtid());
            }
            if (m.getSenderId() != null) {
                gen.writeStringField("sender_id", m.getSenderId());
            }
            gen.writeEndObject();
        }
        gen.writeEndArray();
    }

    /**
     * An upper bound of the UTF-8 length of {@code toJson(messages).toString()}, found without writing it. The planner
     * holds every command's messages to the size limit, and nearly all are far below it: building the JSON only to
     * count it was 4 % of its stream thread's samples. A JSON string takes at most 6 bytes per UTF-16 char (a
     * control character escaped as backslash, u and four hex digits; a char outside ASCII is at most 3 bytes of UTF-8), and a field
     * at most its name, two pairs of quotes, a colon and a comma beyond that.
     */
    public static long utf8LengthAtMost(List<LettaMessage> messages) {
        long bytes = 2; // [ ]
        for (LettaMessage m : messages) {
            bytes += 3; // { } and a comma
            bytes += field("role", m.getRole());
            if (m.getContent() instanceof CharSequence text) {
                bytes += field("content", text);
            } else {
                bytes += "content".length() + 6; // "content":[ ],
                @SuppressWarnings("unchecked")
                List<ContentPart> list = (List<ContentPart>) m.getContent();
                for (ContentPart p : list) {
                    bytes += 3 + field("type", p.getType()) + field("text", p.getText());
                    if (p.getSource() != null) {
                        bytes += "source".length() + 6 // "source":{ },
                                + field("type", p.getSource().getType())
                                + field("media_type", p.getSource().getMediaType())
                                + field("data", p.getSource().getData());
                    }
                }
            }
            bytes += field("name", m.getName()) + field("otid", m.getOtid()) + field("sender_id", m.getSenderId());
        }
        return bytes;
    }

    /** At most {@code "name":"value",} in UTF-8; nothing for an absent value. */
    private static long field(String name, CharSequence value) {
        return value == null ? 0 : name.length() + 6 + 6L * value.length();
    }

    /** Letta's {@code messages} array for these messages. */
    public static ArrayNode toJson(List<LettaMessage> messages) {
        ArrayNode array = NODES.arrayNode();
        for (LettaMessage m : messages) {
            ObjectNode node = array.addObject();
            node.put("role", m.getRole());
            if (m.getContent() instanceof CharSequence text) {
                node.put("content", text.toString());
            } else {
                ArrayNode parts = node.putArray("content");
                @SuppressWarnings("unchecked")
                List<ContentPart> list = (List<ContentPart>) m.getContent();
                for (ContentPart p : list) {
                    ObjectNode part = parts.addObject();
                    part.put("type", p.getType());
                    if (p.getText() != null) {
                        part.put("text", p.getText());
                    }
                    if (p.getSource() != null) {
                        ObjectNode source = part.putObject("source");
                        source.put("type", p.getSource().getType());
                        source.put("media_type", p.getSource().getMediaType());
                        source.put("data", p.getSource().getData());
                    }
                }
            }
            if (m.getName() != null) {
                node.put("name", m.getName());
            }
            if (m.getOtid() != null) {
                node.put("otid", m.getOtid());
            }
            if (m.getSenderId() != null) {
                node.put("sender_id", m.getSenderId());
            }
        }
        return array;
    }

    /** The body of Letta's message calls for this target: messages plus the optional pass-through fields. */
    public static ObjectNode requestBody(LettaTarget target) {
        ObjectNode body = NODES.objectNode();
        body.set("messages", toJson(target.getMessages()));
        if (target.getMaxSteps() != null) {
            body.put("max_steps", target.getMaxSteps());
        }
        if (target.getCallbackUrl() != null) {
            body.put("callback_url", target.getCallbackUrl());
        }
        if (target.getIncludeReturnMessageTypes() != null) {
            ArrayNode types = body.putArray("include_return_message_types");
            target.getIncludeReturnMessageTypes().forEach(types::add);
        }
        return body;
    }
}
