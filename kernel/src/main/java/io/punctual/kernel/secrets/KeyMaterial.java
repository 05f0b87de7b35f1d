package io.punctual.kernel.secrets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.prf.PrfSet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;

/**
 * The deployment's secret key material, as one JSON document holding two Tink keysets:
 * {@code aead} encrypts Letta API keys at rest, {@code tenant} derives tenant ids from API keys (a keyed hash,
 * so a tenant id reveals nothing about the key). Both are Tink keysets, so keys can be rotated with Tink's tools.
 *
 * <p>Rotation of the {@code aead} keyset, in three steps: {@link #withNewPrimaryAeadKey()} adds a key that encrypts
 * from then on while the older keys still decrypt; re-encrypting every stored key (the gateway's
 * {@code reencrypt-keys} command) moves every ciphertext to the new primary; {@link #withoutRetiredAeadKeys()}
 * then drops the older keys. The {@code tenant} keyset is never rotated: tenant ids must stay stable.
 */
public final class KeyMaterial {
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        try {
            AeadConfig.register();
            PrfConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final KeysetHandle aead;
    private final KeysetHandle tenant;

    private KeyMaterial(KeysetHandle aead, KeysetHandle tenant) {
        this.aead = aead;
        this.tenant = tenant;
    }

    public static KeyMaterial generate() {
        try {
            return new KeyMaterial(
                    KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM),
                    KeysetHandle.generateNew(PredefinedPrfParameters.HMAC_SHA256_PRF));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not generate keys", e);
        }
    }

    public static KeyMaterial fromJson(String json) {
        try {
            var tree = JSON.readTree(json);
            if (tree == null || !tree.has("aead") || !tree.has("tenant")) {
                throw new IllegalArgumentException("A Punctual keyset document has the fields 'aead' and 'tenant'");
            }
            return new KeyMaterial(
                    TinkJsonProtoKeysetFormat.parseKeyset(tree.get("aead").toString(), InsecureSecretKeyAccess.get()),
                    TinkJsonProtoKeysetFormat.parseKeyset(tree.get("tenant").toString(), InsecureSecretKeyAccess.get()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Not a valid Punctual keyset document: " + e.getMessage(), e);
        }
    }

    public static KeyMaterial read(Path path) {
        try {
            return fromJson(Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the keyset file " + path, e);
        }
    }

    /** Reads the keyset file, creating it with fresh keys (owner-only permissions) when it does not exist. */
    public static KeyMaterial readOrCreate(Path path) {
        if (Files.exists(path)) {
            return read(path);
        }
        KeyMaterial fresh = generate();
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(path.toAbsolutePath().getParent(), "keyset", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // Not a POSIX file system: rely on the directory's permissions.
            }
            Files.writeString(tmp, fresh.toJson());
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the keyset file " + path, e);
        }
        return fresh;
    }

    public String toJson() {
        try {
            ObjectNode doc = JSON.createObjectNode();
            doc.set("aead", JSON.readTree(TinkJsonProtoKeysetFormat.serializeKeyset(aead, InsecureSecretKeyAccess.get())));
            doc.set("tenant", JSON.readTree(TinkJsonProtoKeysetFormat.serializeKeyset(tenant, InsecureSecretKeyAccess.get())));
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy whose AEAD keyset has a fresh AES-256-GCM key as primary; the older keys stay to decrypt. */
    public KeyMaterial withNewPrimaryAeadKey() {
        try {
            KeysetHandle rotated = KeysetHandle.newBuilder(aead)
                    .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary())
                    .build();
            return new KeyMaterial(rotated, tenant);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not add an AEAD key", e);
        }
    }

    /** A copy whose AEAD keyset holds only its primary key: run it once every stored key is re-encrypted. */
    public KeyMaterial withoutRetiredAeadKeys() {
        try {
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(aead);
            for (int i = builder.size() - 1; i >= 0; i--) {
                if (!builder.getAt(i).isPrimary()) {
                    builder.deleteAt(i);
                }
            }
            return new KeyMaterial(builder.build(), tenant);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not retire AEAD keys", e);
        }
    }

    /** How many AEAD keys the keyset holds (the primary and the ones kept to decrypt). */
    public int aeadKeyCount() {
        return aead.size();
    }

    /** The id of the AEAD key that encrypts. */
    public int primaryAeadKeyId() {
        return aead.getPrimary().getId();
    }

    /** Writes the document to a file, owner-only, replacing it atomically. */
    public void write(Path path) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "keyset", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // Not a POSIX file system: rely on the directory's permissions.
            }
            Files.writeString(tmp, toJson());
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the keyset file " + path, e);
        }
    }

    public ApiKeyCipher apiKeyCipher() {
        try {
            return new ApiKeyCipher(aead.getPrimitive(RegistryConfiguration.get(), Aead.class));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public TenantIds tenantIds() {
        try {
            return new TenantIds(tenant.getPrimitive(RegistryConfiguration.get(), PrfSet.class));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
