package io.punctual.embedded.registry;

import io.punctual.embedded.kafka.EmbeddedKafka;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedSchemaRegistryTest {

    private static final String USER_V1 = """
        {"type": "record", "name": "User", "namespace": "io.punctual.test",
         "fields": [{"name": "name", "type": "string"}]}""";
    /** USER_V1 plus a field without a default: not BACKWARD compatible (new reader cannot fill it in). */
    private static final String USER_V2_NO_DEFAULT = """
        {"type": "record", "name": "User", "namespace": "io.punctual.test",
         "fields": [{"name": "name", "type": "string"}, {"name": "age", "type": "int"}]}""";
    private static final String USER_V2_WITH_DEFAULT = """
        {"type": "record", "name": "User", "namespace": "io.punctual.test",
         "fields": [{"name": "name", "type": "string"}, {"name": "age", "type": "int", "default": 0}]}""";

    private static EmbeddedKafka kafka;
    private static EmbeddedSchemaRegistry registry;
    private static RegistryClient client;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.builder().build().start();
        registry = EmbeddedSchemaRegistry.builder(kafka.bootstrapServers()).build().start();
        client = new RegistryClient(registry.url());
    }

    @AfterAll
    static void stop() {
        registry.close();
        kafka.close();
    }

    @Test
    void registeredSchemaCanBeLookedUpAndFetchedById() {
        String subject = subject();
        RegistryClient.Response registered = client.register(subject, USER_V1);
        assertThat(registered.status()).isEqualTo(200);
        assertThat(registered.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        int id = registered.json().get("id").asInt();

        RegistryClient.Response lookedUp = client.post("/subjects/" + subject, RegistryClient.schemaBody(USER_V1));
        assertThat(lookedUp.status()).isEqualTo(200);
        assertThat(lookedUp.json().get("subject").asText()).isEqualTo(subject);
        assertThat(lookedUp.json().get("id").asInt()).isEqualTo(id);
        assertThat(lookedUp.json().get("version").asInt()).isEqualTo(1);

        RegistryClient.Response byId = client.get("/schemas/ids/" + id);
        assertThat(byId.status()).isEqualTo(200);
        assertThat(new Schema.Parser().parse(byId.json().get("schema").asText()))
            .isEqualTo(new Schema.Parser().parse(USER_V1));

        assertThat(client.get("/subjects").json()).extracting(node -> node.asText()).contains(subject);
        assertThat(client.get("/subjects/" + subject + "/versions").body()).isEqualTo("[1]");
        RegistryClient.Response latest = client.get("/subjects/" + subject + "/versions/latest");
        assertThat(latest.json().get("version").asInt()).isEqualTo(1);
        assertThat(latest.json().get("id").asInt()).isEqualTo(id);
        assertThat(client.get("/subjects/" + subject + "/versions/1").json().get("id").asInt()).isEqualTo(id);
    }

    @Test
    void sameSchemaGetsTheSameIdAcrossRegistrationsAndSubjects() {
        String subject = subject();
        int first = client.registerOk(subject, USER_V1);
        // Same schema written differently: parsed form is what counts.
        int again = client.registerOk(subject, USER_V1.replace(" ", "").replace("\n", ""));
        int otherSubject = client.registerOk(subject(), USER_V1);

        assertThat(again).isEqualTo(first);
        assertThat(otherSubject).isEqualTo(first);
        assertThat(client.get("/subjects/" + subject + "/versions").body()).isEqualTo("[1]");
        assertThat(client.registerOk(subject, USER_V2_WITH_DEFAULT)).isNotEqualTo(first);
    }

    @Test
    void backwardIncompatibleChangeIsRefusedWithConfluentsBody() {
        String subject = subject();
        client.registerOk(subject, USER_V1);

        RegistryClient.Response refused = client.register(subject, USER_V2_NO_DEFAULT);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("error_code").asInt()).isEqualTo(409);
        assertThat(refused.json().get("message").asText())
            .contains("incompatible", subject, "READER_FIELD_MISSING_DEFAULT_VALUE", "age");
        assertThat(client.get("/subjects/" + subject + "/versions").body()).isEqualTo("[1]");

        RegistryClient.Response accepted = client.register(subject, USER_V2_WITH_DEFAULT);
        assertThat(accepted.status()).isEqualTo(200);
        assertThat(client.get("/subjects/" + subject + "/versions").body()).isEqualTo("[1,2]");

        // Against version 1 the field without default is still a problem; against version 2 (which has the
        // field) it is not.
        String compatibility = "/compatibility/subjects/" + subject + "/versions/";
        assertThat(client.post(compatibility + "1", RegistryClient.schemaBody(USER_V2_NO_DEFAULT))
            .json().get("is_compatible").asBoolean()).isFalse();
        assertThat(client.post(compatibility + "latest", RegistryClient.schemaBody(USER_V2_NO_DEFAULT))
            .json().get("is_compatible").asBoolean()).isTrue();
    }

    @Test
    void subjectLevelCompatibilityOverridesTheGlobalOne() {
        String subject = subject();
        assertThat(client.get("/config").json().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        RegistryClient.Response notConfigured = client.get("/config/" + subject);
        assertThat(notConfigured.status()).isEqualTo(404);
        assertThat(notConfigured.json().get("error_code").asInt()).isEqualTo(40408);
        assertThat(client.get("/config/" + subject + "?defaultToGlobal=true").json().get("compatibilityLevel")
            .asText()).isEqualTo("BACKWARD");

        RegistryClient.Response set = client.put("/config/" + subject, "{\"compatibility\": \"NONE\"}");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().get("compatibility").asText()).isEqualTo("NONE");
        assertThat(client.get("/config/" + subject).json().get("compatibilityLevel").asText()).isEqualTo("NONE");

        client.registerOk(subject, USER_V1);
        assertThat(client.register(subject, USER_V2_NO_DEFAULT).status()).isEqualTo(200);

        assertThat(client.delete("/config/" + subject).json().get("compatibilityLevel").asText()).isEqualTo("NONE");
        assertThat(client.get("/config/" + subject).status()).isEqualTo(404);

        RegistryClient.Response invalid = client.put("/config/" + subject, "{\"compatibility\": \"SIDEWAYS\"}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.json().get("error_code").asInt()).isEqualTo(42203);
    }

    @Test
    void clientMistakesGetConfluentErrorsNotServerErrors() {
        String subject = subject();
        assertError(client.register(subject, "{\"type\": \"record\", \"name\": "), 422, 42201);
        assertError(client.register(subject, "{\"type\": \"no-such-type\"}"), 422, 42201);
        assertError(client.post("/subjects/" + subject + "/versions", "{not json"), 400, 400);
        assertError(client.post("/subjects/" + subject + "/versions", "{\"schema\": \"\\\"string\\\"\", "
            + "\"schemaType\": \"PROTOBUF\"}"), 422, 42201);
        assertError(client.get("/subjects/" + subject + "/versions"), 404, 40401);
        assertError(client.post("/subjects/" + subject, RegistryClient.schemaBody(USER_V1)), 404, 40401);
        assertError(client.get("/schemas/ids/987654"), 404, 40403);
        assertError(client.get("/schemas/ids/not-a-number"), 404, 40403);
        assertError(client.get("/no/such/route"), 404, 404);
        assertError(client.delete("/subjects"), 405, 405);

        client.registerOk(subject, USER_V1);
        assertError(client.post("/subjects/" + subject, RegistryClient.schemaBody(USER_V2_WITH_DEFAULT)), 404, 40403);
        assertError(client.get("/subjects/" + subject + "/versions/7"), 404, 40402);
        assertError(client.get("/subjects/" + subject + "/versions/abc"), 422, 42202);
    }

    @Test
    void concurrentRegistrationsGetDistinctIdsAndVersions() throws Exception {
        String subject = subject();
        client.put("/config/" + subject, "{\"compatibility\": \"NONE\"}");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> ids = IntStream.range(0, 12)
                .mapToObj(i -> pool.submit(() -> client.registerOk(subject,
                    "{\"type\": \"fixed\", \"name\": \"F" + i + "\", \"size\": " + (i + 1) + "}")))
                .toList();
            Set<Integer> distinct = ConcurrentHashMap.newKeySet();
            for (Future<Integer> id : ids) {
                distinct.add(id.get(30, TimeUnit.SECONDS));
            }
            assertThat(distinct).hasSize(12);
            assertThat(client.get("/subjects/" + subject + "/versions").json()).hasSize(12);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void idsVersionsAndConfigSurviveARegistryRestart() {
        String topic = "_schemas-" + UUID.randomUUID();
        int v1;
        int v2;
        try (EmbeddedSchemaRegistry first = EmbeddedSchemaRegistry.builder(kafka.bootstrapServers())
                .topic(topic).build().start()) {
            RegistryClient c = new RegistryClient(first.url());
            v1 = c.registerOk("restart-value", USER_V1);
            v2 = c.registerOk("restart-value", USER_V2_WITH_DEFAULT);
            c.put("/config", "{\"compatibility\": \"FULL\"}");
            c.put("/config/restart-value", "{\"compatibility\": \"FORWARD_TRANSITIVE\"}");
        }
        try (EmbeddedSchemaRegistry second = EmbeddedSchemaRegistry.builder(kafka.bootstrapServers())
                .topic(topic).build().start()) {
            RegistryClient c = new RegistryClient(second.url());
            assertThat(c.get("/subjects/restart-value/versions/1").json().get("id").asInt()).isEqualTo(v1);
            assertThat(c.get("/subjects/restart-value/versions/2").json().get("id").asInt()).isEqualTo(v2);
            assertThat(c.registerOk("restart-value", USER_V2_WITH_DEFAULT)).isEqualTo(v2);
            assertThat(c.registerOk("other-value", "\"string\"")).isEqualTo(Math.max(v1, v2) + 1);
            assertThat(c.get("/config").json().get("compatibilityLevel").asText()).isEqualTo("FULL");
            assertThat(c.get("/config/restart-value").json().get("compatibilityLevel").asText())
                .isEqualTo("FORWARD_TRANSITIVE");
        }
    }

    @Test
    void idsSurviveABrokerAndRegistryRestartOnTheSameDirectory(@TempDir Path dir) {
        int id;
        try (EmbeddedKafka broker = EmbeddedKafka.builder().dataDirectory(dir).build().start();
             EmbeddedSchemaRegistry first = EmbeddedSchemaRegistry.builder(broker.bootstrapServers()).build().start()) {
            id = new RegistryClient(first.url()).registerOk("durable-value", USER_V1);
        }
        try (EmbeddedKafka broker = EmbeddedKafka.builder().dataDirectory(dir).build().start();
             EmbeddedSchemaRegistry second = EmbeddedSchemaRegistry.builder(broker.bootstrapServers()).build().start()) {
            RegistryClient c = new RegistryClient(second.url());
            assertThat(c.get("/schemas/ids/" + id).status()).isEqualTo(200);
            RegistryClient.Response lookedUp = c.post("/subjects/durable-value", RegistryClient.schemaBody(USER_V1));
            assertThat(lookedUp.json().get("id").asInt()).isEqualTo(id);
            assertThat(lookedUp.json().get("version").asInt()).isEqualTo(1);
        }
    }

    private static void assertError(RegistryClient.Response response, int status, int errorCode) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().get("error_code").asInt()).as(response.body()).isEqualTo(errorCode);
        assertThat(response.json().get("message").asText()).isNotBlank();
    }

    private static String subject() {
        return "subject-" + UUID.randomUUID() + "-value";
    }
}
