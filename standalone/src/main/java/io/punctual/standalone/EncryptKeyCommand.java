package io.punctual.standalone;

import io.punctual.kernel.secrets.KeyMaterial;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * {@code java -jar punctual.jar encrypt-key --schedule-id <id>}: encrypts a Letta API key the way the gateway does,
 * for programs that produce commands straight to Kafka. The key is read from stdin, never from the arguments,
 * which any user of the machine can read with {@code ps}. Prints the base64 of the ciphertext, the value of
 * {@code LettaTarget.api_key_ciphertext}; it is bound to the schedule id and decrypts for no other schedule.
 * Also prints, on stderr, the tenant id the gateway derives from that key, which the command's tenant must be.
 */
public final class EncryptKeyCommand {
    public static final String NAME = "encrypt-key";
    static final String ENV_KEYSET_PATH = "PUNCTUAL_KEYSET_PATH";
    static final String ENV_KEYSET_JSON = "PUNCTUAL_KEYSET_JSON";
    private static final String USAGE = "usage: printf '%s' \"$LETTA_API_KEY\" | java -jar punctual.jar encrypt-key --schedule-id <id>";

    private EncryptKeyCommand() {
    }

    /** Returns the process exit code: 0 on success, 2 for a usage error, 1 when the keyset cannot be used. */
    static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err, Map<String, String> env) {
        String scheduleId = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--schedule-id") && i + 1 < args.length) {
                scheduleId = args[++i];
            } else {
                err.println("punctual encrypt-key: unexpected argument '" + args[i] + "' (the key is read from stdin)");
                err.println(USAGE);
                return 2;
            }
        }
        if (scheduleId == null || scheduleId.isBlank()) {
            err.println(USAGE);
            return 2;
        }
        String apiKey;
        try {
            apiKey = new String(stdin.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            err.println("punctual encrypt-key: cannot read the key from stdin: " + e.getMessage());
            return 1;
        }
        if (apiKey.isEmpty()) {
            err.println("punctual encrypt-key: no key on stdin");
            err.println(USAGE);
            return 2;
        }
        KeyMaterial keys;
        try {
            keys = keyMaterial(env);
        } catch (RuntimeException e) {
            err.println("punctual encrypt-key: " + e.getMessage());
            return 1;
        }
        byte[] ciphertext = keys.apiKeyCipher().encrypt(apiKey, scheduleId).array();
        out.println(Base64.getEncoder().encodeToString(ciphertext));
        // On stderr so stdout stays the bare ciphertext for scripts; a command must carry this tenant to be the key's.
        err.println("tenant: " + keys.tenantIds().of(apiKey));
        return 0;
    }

    /**
     * The deployment's keyset, never a new one: a key encrypted with keys nobody else holds could not be delivered.
     * Same sources as the services, then the standalone's data directory.
     */
    private static KeyMaterial keyMaterial(Map<String, String> env) {
        String path = env.get(ENV_KEYSET_PATH);
        if (path != null && !path.isBlank()) {
            return KeyMaterial.read(Path.of(path));
        }
        String json = env.get(ENV_KEYSET_JSON);
        if (json != null && !json.isBlank()) {
            return KeyMaterial.fromJson(json);
        }
        Path dataDir = Path.of(env.getOrDefault(StandaloneConfig.ENV_DATA_DIR, "./punctual-data"));
        Path keyset = dataDir.resolve(Standalone.KEYSET_FILE);
        if (!Files.exists(keyset)) {
            throw new IllegalArgumentException("no keyset at " + keyset.toAbsolutePath().normalize()
                    + "; set " + ENV_KEYSET_PATH + " or " + StandaloneConfig.ENV_DATA_DIR + " to the deployment's");
        }
        return KeyMaterial.read(keyset);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err, System.getenv()));
    }
}
