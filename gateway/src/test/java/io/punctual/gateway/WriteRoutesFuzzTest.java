package io.punctual.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.punctual.gateway.GatewayHarness.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing a client sends makes a 5xx: random JSON, random text, and valid bodies with one part mutated, sent to
 * every write route of the three doors (750 tries per property, 3,000 requests in all).
 */
class WriteRoutesFuzzTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static GatewayHarness gateway;
    private static String scheduleId;

    @BeforeContainer
    static void start() throws Exception {
        gateway = GatewayHarness.shared();
        scheduleId = V1SchedulesTest.createOnce(KEY_A, "agent-fuzz");
    }

    @Property(tries = 750)
    void v1CreateAndReplaceAndPatch(@ForAll("bodies") String body, @ForAll("v1Routes") String route) throws Exception {
        String[] parts = route.split(" ", 2);
        String contentType = parts[0].equals("PATCH") ? "application/merge-patch+json" : "application/json";
        assertNoServerError(gateway.send(parts[0], parts[1].replace("{id}", scheduleId), KEY_A, contentType, body), body);
    }

    @Property(tries = 750)
    void seedCreates(@ForAll("seedBodies") String body, @ForAll("seedRoutes") String route) throws Exception {
        assertNoServerError(gateway.send("POST", route, KEY_A, "application/json", body), body);
    }

    @Property(tries = 750)
    void lettaNativeCreate(@ForAll("nativeBodies") String body) throws Exception {
        assertNoServerError(gateway.send("POST", "/v1/agents/agent-fuzz/schedule", KEY_A, "application/json", body), body);
    }

    @Property(tries = 750)
    void randomTextAndContentTypes(@ForAll("texts") String body, @ForAll("allWriteRoutes") String route,
                                   @ForAll("contentTypes") String contentType) throws Exception {
        String[] parts = route.split(" ", 2);
        assertNoServerError(gateway.send(parts[0], parts[1].replace("{id}", scheduleId), KEY_A, contentType, body), body);
    }

    private static void assertNoServerError(HttpResponse<String> response, String body) {
        assertThat(response.statusCode()).as("%s -> %s", body, response.body()).isLessThan(500);
        if (response.statusCode() >= 400) {
            assertThat(response.headers().firstValue("Content-Type")).as(body).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        }
    }

    @Provide
    Arbitrary<String> v1Routes() {
        return Arbitraries.of("POST /v1/schedules", "PUT /v1/schedules/{id}", "PATCH /v1/schedules/{id}", "POST /v1/schedules/{id}/pause");
    }

    @Provide
    Arbitrary<String> seedRoutes() {
        return Arbitraries.of("/schedules/recurring", "/schedules/one-time");
    }

    @Provide
    Arbitrary<String> allWriteRoutes() {
        return Arbitraries.of("POST /v1/schedules", "PUT /v1/schedules/{id}", "PATCH /v1/schedules/{id}", "POST /v1/schedules/{id}/pause",
                "POST /schedules/recurring", "POST /schedules/one-time", "POST /v1/agents/agent-fuzz/schedule");
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.of("application/json", "text/plain", "application/xml", "application/merge-patch+json", "multipart/form-data");
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings().withChars("{}[]\":,0123456789truefalsnul \\").ofMaxLength(80));
    }

    @Provide
    Arbitrary<String> bodies() {
        return Arbitraries.oneOf(mutated(v1Valid()), json(3).map(JsonNode::toString));
    }

    @Provide
    Arbitrary<String> seedBodies() {
        ObjectNode recurring = NODES.objectNode().put("agent_id", "agent-fuzz").put("cron", "*/5 * * * *").put("message", "hi").put("role", "user");
        ObjectNode once = NODES.objectNode().put("agent_id", "agent-fuzz").put("execute_at", Instant.now().plusSeconds(86_400).toString()).put("message", "hi");
        return Arbitraries.oneOf(mutated(Arbitraries.of(recurring, once)), json(3).map(JsonNode::toString));
    }

    @Provide
    Arbitrary<String> nativeBodies() {
        ObjectNode valid = NODES.objectNode();
        valid.putArray("messages").addObject().put("role", "user").put("content", "hi");
        valid.putObject("schedule").put("type", "recurring").put("cron_expression", "0 9 * * 1-5");
        return Arbitraries.oneOf(mutated(Arbitraries.just(valid)), json(3).map(JsonNode::toString));
    }

    private static Arbitrary<ObjectNode> v1Valid() {
        ObjectNode letta = NODES.objectNode().put("agent_id", "agent-fuzz");
        letta.putArray("messages").addObject().put("role", "user").put("content", "hi");
        letta.putObject("schedule").put("type", "cron").put("expression", "*/5 * * * *").put("timezone", "Europe/Berlin");
        letta.put("jitter", "5s").put("catchup", "fire_all").put("max_runs", 3).putObject("retry").put("max_attempts", 2).put("max_age", "1m");
        ObjectNode kafka = NODES.objectNode();
        kafka.putObject("target").put("type", "kafka").put("topic", "fuzz.events").putObject("value").put("a", 1);
        kafka.putObject("schedule").put("type", "interval").put("every", "15m");
        ObjectNode webhook = NODES.objectNode().put("start_at", Instant.now().plusSeconds(60).toString()).put("end_at", Instant.now().plusSeconds(86_400).toString());
        webhook.putObject("target").put("type", "webhook").put("url", "https://93.184.215.14/x").putObject("body").put("b", true);
        webhook.putObject("schedule").put("type", "once").put("at", Instant.now().plusSeconds(3600).toString());
        return Arbitraries.of(letta, kafka, webhook);
    }

    /** A valid body with one field (at any depth) replaced by a random value, removed, or a field added. */
    private static Arbitrary<String> mutated(Arbitrary<ObjectNode> valid) {
        return Combinators.combine(valid, Arbitraries.integers().between(0, 1000), json(2), Arbitraries.integers().between(0, 2))
                .as((body, pick, value, how) -> {
                    ObjectNode copy = body.deepCopy();
                    List<ObjectNode> parents = new ArrayList<>();
                    collect(copy, parents);
                    ObjectNode parent = parents.get(pick % parents.size());
                    List<String> names = new ArrayList<>();
                    parent.fieldNames().forEachRemaining(names::add);
                    if (names.isEmpty() || how == 2) {
                        parent.set("x" + pick, value);
                    } else if (how == 0) {
                        parent.set(names.get(pick % names.size()), value);
                    } else {
                        parent.remove(names.get(pick % names.size()));
                    }
                    return copy.toString();
                });
    }

    private static void collect(JsonNode node, List<ObjectNode> out) {
        if (node instanceof ObjectNode object) {
            out.add(object);
        }
        node.elements().forEachRemaining(child -> collect(child, out));
    }

    private static Arbitrary<JsonNode> json(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30).map(NODES::textNode),
                Arbitraries.of("once", "cron", "interval", "letta", "webhook", "kafka", "user", "15m", "0s", "-1s", "* * * * *",
                        "2020-01-01T00:00:00Z", "2999-01-01T00:00:00Z", "Europe/Berlin", "Nowhere/Zone", "http://127.0.0.1/", "").map(NODES::textNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.of(NODES.booleanNode(true), NODES.booleanNode(false), NODES.nullNode()));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> child = json(depth - 1);
        Arbitrary<JsonNode> array = child.list().ofMaxSize(3).map(items -> {
            ArrayNode a = NODES.arrayNode();
            items.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Combinators.combine(
                Arbitraries.of("type", "at", "every", "expression", "agent_id", "messages", "schedule", "target", "role", "content",
                        "url", "topic", "value", "retry", "cron", "message", "scheduled_at", "execute_at", "timezone").list().ofMaxSize(4),
                child.list().ofSize(4)).as((keys, values) -> {
                    ObjectNode o = NODES.objectNode();
                    for (int i = 0; i < keys.size(); i++) {
                        o.set(keys.get(i), values.get(i));
                    }
                    return o;
                });
        return Arbitraries.oneOf(leaf, array, object);
    }
}
