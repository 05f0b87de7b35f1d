package io.punctual.planner;

import com.sun.net.httpserver.HttpServer;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.SchemaRegistryException;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A planner whose schema registry is unavailable (its cache is cold: a restart during the outage) does not take the
 * commands it cannot decode, or whose schedule it cannot read, for poison: they fail the task, to be read again, and
 * are applied once the registry answers; nothing is dead-lettered.
 */
class RegistryOutageTest {
    @TempDir
    Path stateDir;

    private HttpServer proxy;
    private volatile boolean registryUp;
    private PlannerHarness planner;

    @AfterEach
    void close() {
        if (planner != null) {
            planner.close();
        }
        if (proxy != null) {
            proxy.stop(0);
        }
    }

    @Test
    void commandsWaitForTheRegistryInsteadOfBeingDeadLettered() throws IOException {
        TopicSerdes writer = new TopicSerdes(KafkaFixture.shared().schemaRegistryUrl());
        String url = startSwitchableProxy(KafkaFixture.shared().schemaRegistryUrl());
        planner = new PlannerHarness(new TopicSerdes(url), PlannerSettings.defaults().withStateDir(stateDir), PlannerHarness.START);
        ScheduleCommand create = TestCommands.createOnce("s-outage", "agent-1", PlannerHarness.START.plusSeconds(3600));
        byte[] encoded = writer.valueSerde(Topics.COMMANDS).serializer().serialize(Topics.COMMANDS.name(), create);

        registryUp = false;
        assertThatThrownBy(() -> planner.commands.pipeInput(create.getScheduleId(), encoded))
                .satisfies(e -> assertThat(SchemaRegistryException.isUnavailable(e)).as("fails as an outage: %s", e).isTrue());
        assertThat(planner.deadLetters.isEmpty()).as("nothing dead-lettered").isTrue();
        assertThat(planner.results.isEmpty()).isTrue();

        // Kafka Streams reads the record again after the failure; the driver needs it piped again.
        registryUp = true;
        planner.commands.pipeInput(create.getScheduleId(), encoded);
        assertThat(planner.results.readValue().getAccepted()).isTrue();
        assertThat(planner.scheduleStore().get("s-outage")).isNotNull();

    }

    @Test
    void aScheduleStateThatCannotBeReadForAnOutageIsNotPoison() throws IOException {
        TopicSerdes writer = new TopicSerdes(KafkaFixture.shared().schemaRegistryUrl());
        String url = startSwitchableProxy(KafkaFixture.shared().schemaRegistryUrl());
        planner = new PlannerHarness(new TopicSerdes(url), PlannerSettings.defaults().withStateDir(stateDir), PlannerHarness.START);
        // A schedule the planner has in its store (reloaded from punctual.schedules after a restart) but whose schema
        // it has not fetched yet, and a command of a schema it knows already.
        ScheduleState state = ScheduleState.newBuilder()
                .setScheduleId("s-restored").setSpec(TestCommands.spec(TestCommands.TENANT, "agent-1", new OnceCadence(PlannerHarness.START.plusSeconds(3600))))
                .setStatus(ScheduleStatus.ACTIVE).setVersion(1L).setCreatedAt(PlannerHarness.START).setUpdatedAt(PlannerHarness.START)
                .setNextFireAt(PlannerHarness.START.plusSeconds(3600)).build();
        planner.schedulesLog.add("s-restored", writer.valueSerde(Topics.SCHEDULES).serializer().serialize(Topics.SCHEDULES.name(), state));
        registryUp = true;
        assertThat(planner.send(TestCommands.pause("s-unknown", "warms the command schema")).getAccepted()).isFalse();

        registryUp = false;
        ScheduleCommand pause = TestCommands.pause("s-restored", "during the outage");
        byte[] encoded = writer.valueSerde(Topics.COMMANDS).serializer().serialize(Topics.COMMANDS.name(), pause);
        assertThatThrownBy(() -> planner.commands.pipeInput(pause.getScheduleId(), encoded))
                .satisfies(e -> assertThat(SchemaRegistryException.isUnavailable(e)).as("fails as an outage: %s", e).isTrue());
        assertThat(planner.deadLetters.isEmpty()).as("nothing dead-lettered").isTrue();

        registryUp = true;
        planner.commands.pipeInput(pause.getScheduleId(), encoded);
        assertThat(planner.results.readValue().getAccepted()).isTrue();
        assertThat(planner.scheduleStore().get("s-restored").getStatus()).isEqualTo(ScheduleStatus.PAUSED);
        assertThat(planner.deadLetters.isEmpty()).isTrue();
    }

    /** Forwards to the registry while it is "up"; answers 503 otherwise, like a registry behind a load balancer. */
    private String startSwitchableProxy(String upstream) throws IOException {
        HttpClient client = HttpClient.newHttpClient();
        proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", exchange -> {
            try (exchange) {
                if (!registryUp) {
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
                        .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
                String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
                if (contentType != null) {
                    request.header("Content-Type", contentType);
                }
                HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                response.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
                exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
                if (response.body().length > 0) {
                    exchange.getResponseBody().write(response.body());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        proxy.start();
        return "http://127.0.0.1:" + proxy.getAddress().getPort();
    }
}
