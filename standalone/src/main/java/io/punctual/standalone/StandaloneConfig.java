package io.punctual.standalone;

import io.punctual.kernel.config.SharedConfig;

import java.nio.file.Path;
import java.util.Map;

/**
 * The standalone's own settings, read from environment variables (names and defaults in the README).
 *
 * @param dataDir       where the broker's log, the planner's state and the keyset live; survives restarts
 * @param httpPort      the REST API's port (0: any free port)
 * @param kafkaPort     the embedded broker's port (0: any free port)
 * @param registryPort  the embedded schema registry's port (0: any free port)
 * @param lettaBaseUrl  the Letta API deliveries go to
 * @param extra         further Micronaut properties, e.g. from tests
 */
public record StandaloneConfig(Path dataDir, int httpPort, int kafkaPort, int registryPort, String lettaBaseUrl, Map<String, Object> extra) {

    static final String ENV_DATA_DIR = "PUNCTUAL_DATA_DIR";
    static final String ENV_HTTP_PORT = "PUNCTUAL_HTTP_PORT";
    static final String ENV_KAFKA_PORT = "PUNCTUAL_KAFKA_PORT";
    static final String ENV_REGISTRY_PORT = "PUNCTUAL_REGISTRY_PORT";
    static final String ENV_LETTA_BASE_URL = "PUNCTUAL_LETTA_BASE_URL";

    static StandaloneConfig fromEnvironment(Map<String, String> env) {
        return new StandaloneConfig(
                Path.of(env.getOrDefault(ENV_DATA_DIR, "./punctual-data")),
                port(env, ENV_HTTP_PORT, 8080),
                port(env, ENV_KAFKA_PORT, 9092),
                port(env, ENV_REGISTRY_PORT, 8081),
                env.getOrDefault(ENV_LETTA_BASE_URL, SharedConfig.Letta.DEFAULT_BASE_URL),
                Map.of());
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number (0-65535), not '" + value + "'");
        }
    }
}
