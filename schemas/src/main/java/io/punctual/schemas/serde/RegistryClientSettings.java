package io.punctual.schemas.serde;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * How the registry client authenticates and which certificates it trusts, read from the settings a Confluent
 * serializer takes, under the same names, so a deployment's existing registry configuration carries over (Confluent
 * Cloud, secured Apicurio, Karapace or Redpanda):
 * <ul>
 *   <li>{@value #BASIC_AUTH_CREDENTIALS_SOURCE}: {@code USER_INFO} (credentials in {@value #BASIC_AUTH_USER_INFO},
 *       {@code user:password}) or {@code URL} (in the registry URL's user info, {@code https://user:password@host});
 *       {@code USER_INFO} is assumed when only the user info is given;</li>
 *   <li>{@value #BEARER_AUTH_CREDENTIALS_SOURCE}: {@code STATIC_TOKEN}, with the token in
 *       {@value #BEARER_AUTH_TOKEN} (assumed when only the token is given);</li>
 *   <li>{@value #SSL_TRUSTSTORE_LOCATION} / {@code .password} / {@code .type} (JKS or PKCS12) to trust a private CA,
 *       and {@value #SSL_KEYSTORE_LOCATION} / {@code .password} / {@code .type} plus {@value #SSL_KEY_PASSWORD} for
 *       mutual TLS. Without a trust store the JDK's default CAs are trusted.</li>
 * </ul>
 *
 * @param authorization the {@code Authorization} header value to send, if any
 * @param sslContext    the TLS context for {@code https} registries, if not the JDK's default
 */
public record RegistryClientSettings(Optional<String> authorization, Optional<SSLContext> sslContext) {
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String BEARER_AUTH_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    public static final String SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";

    /** No authentication, the JDK's default trust. */
    public static RegistryClientSettings none() {
        return new RegistryClientSettings(Optional.empty(), Optional.empty());
    }

    /**
     * Reads the settings through {@code setting} (a Confluent property name to its value, if set) for a registry at
     * {@code registryUrl}. A contradiction (both basic and bearer credentials, an unknown source, a missing password
     * file) fails here, at start-up, rather than as 401s later.
     */
    public static RegistryClientSettings from(String registryUrl, Function<String, Optional<String>> setting) {
        Optional<String> basic = basicCredentials(registryUrl, setting);
        Optional<String> bearer = bearerToken(setting);
        if (basic.isPresent() && bearer.isPresent()) {
            throw new IllegalArgumentException("The schema registry settings give both basic credentials and a bearer token; choose one");
        }
        Optional<String> authorization = basic
                .map(userInfo -> "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)))
                .or(() -> bearer.map(token -> "Bearer " + token));
        return new RegistryClientSettings(authorization, sslContext(setting));
    }

    /** The URL without user info, which must never be sent as part of the request line or logged. */
    static String withoutUserInfo(String url) {
        URI uri = URI.create(url);
        if (uri.getRawUserInfo() == null) {
            return url;
        }
        return url.replace(uri.getRawUserInfo() + "@", "");
    }

    private static Optional<String> basicCredentials(String registryUrl, Function<String, Optional<String>> setting) {
        Optional<String> userInfo = nonBlank(setting.apply(BASIC_AUTH_USER_INFO));
        String source = nonBlank(setting.apply(BASIC_AUTH_CREDENTIALS_SOURCE))
                .map(s -> s.toUpperCase(Locale.ROOT)).orElse(userInfo.isPresent() ? "USER_INFO" : "");
        return switch (source) {
            case "" -> Optional.empty();
            case "USER_INFO" -> Optional.of(userInfo.orElseThrow(() -> new IllegalArgumentException(
                    BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO needs " + BASIC_AUTH_USER_INFO + " (user:password)")));
            case "URL" -> Optional.ofNullable(URI.create(registryUrl).getRawUserInfo())
                    .map(raw -> URLDecoder.decode(raw, StandardCharsets.UTF_8))
                    .or(() -> {
                        throw new IllegalArgumentException(BASIC_AUTH_CREDENTIALS_SOURCE + "=URL needs user info in the registry URL");
                    });
            default -> throw new IllegalArgumentException(BASIC_AUTH_CREDENTIALS_SOURCE + " must be USER_INFO or URL, not " + source);
        };
    }

    private static Optional<String> bearerToken(Function<String, Optional<String>> setting) {
        Optional<String> token = nonBlank(setting.apply(BEARER_AUTH_TOKEN));
        String source = nonBlank(setting.apply(BEARER_AUTH_CREDENTIALS_SOURCE))
                .map(s -> s.toUpperCase(Locale.ROOT)).orElse(token.isPresent() ? "STATIC_TOKEN" : "");
        return switch (source) {
            case "" -> Optional.empty();
            case "STATIC_TOKEN" -> Optional.of(token.orElseThrow(() -> new IllegalArgumentException(
                    BEARER_AUTH_CREDENTIALS_SOURCE + "=STATIC_TOKEN needs " + BEARER_AUTH_TOKEN)));
            default -> throw new IllegalArgumentException(BEARER_AUTH_CREDENTIALS_SOURCE + " must be STATIC_TOKEN, not " + source);
        };
    }

    private static Optional<SSLContext> sslContext(Function<String, Optional<String>> setting) {
        Optional<String> trustStore = nonBlank(setting.apply(SSL_TRUSTSTORE_LOCATION));
        Optional<String> keyStore = nonBlank(setting.apply(SSL_KEYSTORE_LOCATION));
        if (trustStore.isEmpty() && keyStore.isEmpty()) {
            return Optional.empty();
        }
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore.isEmpty() ? null
                    : load(trustStore.get(), setting.apply(SSL_TRUSTSTORE_PASSWORD), setting.apply(SSL_TRUSTSTORE_TYPE)));
            KeyManagerFactory keys = null;
            if (keyStore.isPresent()) {
                Optional<String> storePassword = setting.apply(SSL_KEYSTORE_PASSWORD);
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load(keyStore.get(), storePassword, setting.apply(SSL_KEYSTORE_TYPE)),
                        nonBlank(setting.apply(SSL_KEY_PASSWORD)).or(() -> storePassword).orElse("").toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return Optional.of(context);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("The schema registry's TLS stores could not be loaded: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String location, Optional<String> password, Optional<String> type)
            throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(nonBlank(type).orElse(KeyStore.getDefaultType()));
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, password.map(String::toCharArray).orElse(null));
        }
        return store;
    }

    private static Optional<String> nonBlank(Optional<String> value) {
        return value.map(String::strip).filter(v -> !v.isEmpty());
    }
}
