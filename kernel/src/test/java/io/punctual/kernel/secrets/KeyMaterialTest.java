package io.punctual.kernel.secrets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyMaterialTest {

    @Test
    void encryptedKeysDecryptOnlyForTheirSchedule(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keyset.json");
        KeyMaterial created = KeyMaterial.readOrCreate(file);
        var ciphertext = created.apiKeyCipher().encrypt("sk-let-secret", "sch_1");

        byte[] bytes = new byte[ciphertext.remaining()];
        ciphertext.duplicate().get(bytes);
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain("sk-let-secret");
        // Another process reading the same keyset file decrypts it.
        assertThat(KeyMaterial.readOrCreate(file).apiKeyCipher().decrypt(ciphertext, "sch_1")).isEqualTo("sk-let-secret");
        assertThatThrownBy(() -> created.apiKeyCipher().decrypt(ciphertext, "sch_2")).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> KeyMaterial.generate().apiKeyCipher().decrypt(ciphertext, "sch_1")).isInstanceOf(GeneralSecurityException.class);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void tenantIdsAreStablePerKeyAndRevealNothing() {
        KeyMaterial keys = KeyMaterial.generate();
        KeyMaterial same = KeyMaterial.fromJson(keys.toJson());
        String tenant = keys.tenantIds().of("sk-let-a");
        assertThat(same.tenantIds().of("sk-let-a")).isEqualTo(tenant);
        assertThat(keys.tenantIds().of("sk-let-b")).isNotEqualTo(tenant);
        assertThat(KeyMaterial.generate().tenantIds().of("sk-let-a")).isNotEqualTo(tenant);
        assertThat(tenant).startsWith("t_").doesNotContain("sk-let-a");
    }

    @Test
    void rejectsADocumentThatIsNotAKeyset() {
        assertThatThrownBy(() -> KeyMaterial.fromJson("{\"aead\": 1}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyMaterial.fromJson("not json")).isInstanceOf(IllegalArgumentException.class);
    }
}
