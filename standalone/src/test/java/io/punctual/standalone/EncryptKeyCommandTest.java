package io.punctual.standalone;

import io.punctual.kernel.secrets.KeyMaterial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EncryptKeyCommandTest {
    private static final String KEY = "sk-let-0123456789abcdef";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String stdin, String... args) {
        return EncryptKeyCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env);
    }

    @Test
    void encryptsTheKeyFromStdinForTheScheduleWithTheDataDirectorysKeyset() throws GeneralSecurityException {
        KeyMaterial keys = KeyMaterial.readOrCreate(dir.resolve(Standalone.KEYSET_FILE));

        int exit = run(Map.of(StandaloneConfig.ENV_DATA_DIR, dir.toString()), KEY + "\n", "encrypt-key", "--schedule-id", "sch_1");

        assertThat(exit).isZero();
        String printed = out.toString(StandardCharsets.UTF_8).strip();
        assertThat(printed).doesNotContain(KEY);
        ByteBuffer ciphertext = ByteBuffer.wrap(Base64.getDecoder().decode(printed));
        assertThat(keys.apiKeyCipher().decrypt(ciphertext, "sch_1")).isEqualTo(KEY);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).isEqualTo("tenant: " + keys.tenantIds().of(KEY));
        assertThatThrownBy(() -> keys.apiKeyCipher().decrypt(ciphertext, "sch_2"))
                .as("bound to the schedule id").isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void theKeysetPathWinsOverTheDataDirectory() throws Exception {
        KeyMaterial keys = KeyMaterial.generate();
        Path keyset = dir.resolve("elsewhere.json");
        Files.writeString(keyset, keys.toJson());

        int exit = run(Map.of(EncryptKeyCommand.ENV_KEYSET_PATH, keyset.toString(), StandaloneConfig.ENV_DATA_DIR, dir.resolve("none").toString()),
                KEY, "encrypt-key", "--schedule-id", "sch_9");

        assertThat(exit).isZero();
        byte[] ciphertext = Base64.getDecoder().decode(out.toString(StandardCharsets.UTF_8).strip());
        assertThat(keys.apiKeyCipher().decrypt(ByteBuffer.wrap(ciphertext), "sch_9")).isEqualTo(KEY);
    }

    @Test
    void refusesAKeyOnTheCommandLineAMissingKeyAndAMissingKeyset() {
        Map<String, String> env = Map.of(StandaloneConfig.ENV_DATA_DIR, dir.toString());
        assertThat(run(env, "", "encrypt-key", "--schedule-id", "sch_1", KEY)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("read from stdin");
        assertThat(run(env, "", "encrypt-key")).isEqualTo(2);
        assertThat(run(env, "  \n", "encrypt-key", "--schedule-id", "sch_1")).isEqualTo(2);
        assertThat(run(env, KEY, "encrypt-key", "--schedule-id", "sch_1")).as("no keyset is created").isEqualTo(1);
        assertThat(dir.resolve(Standalone.KEYSET_FILE)).doesNotExist();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
