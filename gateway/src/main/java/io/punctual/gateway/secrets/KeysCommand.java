package io.punctual.gateway.secrets;

import io.micronaut.context.ApplicationContext;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.KeyMaterial;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The key-rotation commands, for an operator:
 * <pre>
 *   rotate-keys     PATH   add a new primary AEAD key to the keysets file (older keys keep decrypting)
 *   reencrypt-keys        re-encrypt every stored secret (Letta keys, webhook secrets and headers) under the primary (the planner must be running)
 *   retire-keys     PATH   drop every AEAD key but the primary (after reencrypt-keys, and after every
 *                          service has been restarted with the rotated file)
 * </pre>
 * {@code reencrypt-keys} reads the usual settings (KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL and
 * PUNCTUAL_KEYSET_PATH or PUNCTUAL_KEYSET_JSON). Exit status 0 when every key was re-encrypted.
 */
public final class KeysCommand {
    private KeysCommand() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, Map.of()));
    }

    /** Runs one command; {@code properties} add to or override the environment's settings. */
    public static int run(String[] args, Map<String, Object> properties) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: rotate-keys PATH | reencrypt-keys | retire-keys PATH");
            return 2;
        }
        switch (args[0]) {
            case "rotate-keys" -> {
                Path path = Path.of(args[1]);
                KeyMaterial rotated = KeyMaterial.read(path).withNewPrimaryAeadKey();
                rotated.write(path);
                System.out.println("New primary key " + Integer.toUnsignedString(rotated.primaryAeadKeyId()) + "; "
                        + rotated.aeadKeyCount() + " keys in " + path + ". Restart every service with it, then run reencrypt-keys.");
                return 0;
            }
            case "retire-keys" -> {
                Path path = Path.of(args[1]);
                KeyMaterial retired = KeyMaterial.read(path).withoutRetiredAeadKeys();
                retired.write(path);
                System.out.println("Kept only the primary key " + Integer.toUnsignedString(retired.primaryAeadKeyId()) + " in " + path + ".");
                return 0;
            }
            case "reencrypt-keys" -> {
                // No HTTP server, no planner, no executor: only the views and the command producer.
                Map<String, Object> props = new HashMap<>(Map.of(
                        ConfigKeys.PLANNER_ENABLED, false, ConfigKeys.EXECUTOR_ENABLED, false, ConfigKeys.GATEWAY_ENABLED, true));
                props.putAll(properties);
                try (ApplicationContext context = ApplicationContext.builder().properties(props).start()) {
                    KeyReencryption.Report report = context.getBean(KeyReencryption.class).run(Duration.ofMinutes(5));
                    System.out.println("Re-encrypted the secrets of " + report.reencrypted() + " schedules; " + report.conflicts()
                            + " schedules changed meanwhile (run again); " + report.failed() + " failed.");
                    return report.failed() == 0 && report.conflicts() == 0 ? 0 : 1;
                }
            }
            default -> {
                System.err.println("unknown command " + args[0] + "; usage: rotate-keys PATH | reencrypt-keys | retire-keys PATH");
                return 2;
            }
        }
    }
}
