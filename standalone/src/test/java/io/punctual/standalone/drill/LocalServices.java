package io.punctual.standalone.drill;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.punctual.kernel.config.ConfigKeys;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * Punctual's services in this JVM against a broker and registry the drill runs itself (so it can stop them), the
 * way {@code Standalone} wires them: one Micronaut context, the keyset and planner state under {@code dataDir}.
 * {@code extra} switches services off or tunes them.
 */
final class LocalServices implements AutoCloseable {
    private final ApplicationContext context;
    private final EmbeddedServer server;

    private LocalServices(ApplicationContext context, EmbeddedServer server) {
        this.context = context;
        this.server = server;
    }

    static LocalServices start(String bootstrapServers, String registryUrl, Path dataDir, String lettaBaseUrl, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
        props.put(ConfigKeys.SCHEMA_REGISTRY_URL, registryUrl);
        props.put(ConfigKeys.KEYSET_PATH, dataDir.resolve("keyset.json").toString());
        props.put(ConfigKeys.LETTA_BASE_URL, lettaBaseUrl);
        props.put(ConfigKeys.PLANNER_STATE_DIR, dataDir.resolve("planner").toString());
        props.put(ConfigKeys.TOPIC_REPLICATION_FACTOR, 1);
        props.put("micronaut.server.port", -1);
        props.putAll(extra);
        ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false).properties(props).start();
        EmbeddedServer server = null;
        if (!Boolean.FALSE.equals(extra.get(ConfigKeys.GATEWAY_ENABLED))) {
            server = context.getBean(EmbeddedServer.class);
            server.start();
            awaitHealthy("http://localhost:" + server.getPort());
        }
        return new LocalServices(context, server);
    }

    private static void awaitHealthy(String baseUrl) {
        HttpClient http = HttpClient.newHttpClient();
        await("services healthy").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    /** The gateway's base URL (only when the gateway runs). */
    String baseUrl() {
        return "http://localhost:" + server.getPort();
    }

    ApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        if (server != null && server.isRunning()) {
            server.stop();
        }
        if (context.isRunning()) {
            context.stop();
        }
    }
}
