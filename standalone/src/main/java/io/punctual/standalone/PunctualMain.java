package io.punctual.standalone;

import io.punctual.gateway.secrets.KeysCommand;
import io.punctual.kernel.config.ConfigKeys;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar punctual.jar}: runs Punctual standalone until Ctrl-C or SIGTERM. */
public final class PunctualMain {
    private PunctualMain() {
    }

    private static final Set<String> KEY_COMMANDS = Set.of("rotate-keys", "reencrypt-keys", "retire-keys");

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && KEY_COMMANDS.contains(args[0])) {
            System.exit(keyCommand(args));
            return;
        }
        if (args.length > 0 && args[0].equals(EncryptKeyCommand.NAME)) {
            EncryptKeyCommand.main(args);
            return;
        }
        long started = System.nanoTime();
        StandaloneConfig config;
        try {
            config = StandaloneConfig.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("punctual: " + e.getMessage());
            System.exit(2);
            return;
        }
        Standalone standalone = Standalone.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Punctual is stopping...");
            standalone.close();
            System.out.println("Punctual stopped.");
            stopped.countDown();
        }, "punctual-shutdown"));
        System.out.printf("Punctual started in %d ms%n  REST API:        %s%n  Kafka:           %s%n  Schema registry: %s%n  Data directory:  %s%n  Letta:           %s%n",
                (System.nanoTime() - started) / 1_000_000, standalone.baseUrl(), standalone.bootstrapServers(),
                standalone.schemaRegistryUrl(), config.dataDir().toAbsolutePath().normalize(), config.lettaBaseUrl());
        stopped.await();
    }

    /**
     * Key rotation on the standalone's own keyset: stop, {@code rotate-keys}, start, {@code reencrypt-keys} (needs
     * Punctual running: it re-encrypts through the planner), stop, {@code retire-keys}, start.
     */
    private static int keyCommand(String[] args) throws Exception {
        StandaloneConfig config = StandaloneConfig.fromEnvironment(System.getenv());
        Path keyset = config.dataDir().resolve(Standalone.KEYSET_FILE);
        String[] command = args[0].equals("reencrypt-keys") ? args : new String[]{args[0], keyset.toString()};
        return KeysCommand.run(command, Map.of(
                ConfigKeys.KEYSET_PATH, keyset.toString(),
                ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, "localhost:" + config.kafkaPort(),
                ConfigKeys.SCHEMA_REGISTRY_URL, "http://localhost:" + config.registryPort()));
    }
}
