package io.punctual.kernel.secrets;

import com.google.crypto.tink.prf.PrfSet;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/** Derives a tenant id from a Letta API key with a keyed hash: the same key always gives the same tenant. */
public final class TenantIds {
    private static final int OUTPUT_BYTES = 16;

    private final PrfSet prf;

    TenantIds(PrfSet prf) {
        this.prf = prf;
    }

    public String of(String apiKey) {
        try {
            return "t_" + HexFormat.of().formatHex(prf.computePrimary(apiKey.getBytes(StandardCharsets.UTF_8), OUTPUT_BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not derive a tenant id", e);
        }
    }
}
