package io.punctual.kernel.config;

import io.micronaut.context.ApplicationContext;
import io.punctual.embedded.registry.EmbeddedSchemaRegistry;
import io.punctual.schemas.serde.RegistryClientSettings;
import io.punctual.schemas.serde.SchemaRegistry;
import io.punctual.schemas.serde.SchemaRegistryClient;
import io.punctual.schemas.serde.SchemaRegistryException;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.testkit.KafkaFixture;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The registry client against the embedded registry started with authentication and with TLS, the way Confluent
 * Cloud and secured Apicurio, Karapace or Redpanda registries run, configured with Confluent's property names.
 */
class SecuredRegistryTest {
    private static final String PASSWORD = "changeit";
    private static final Schema SCHEMA = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Ping\",\"namespace\":\"test.secured\",\"fields\":[{\"name\":\"n\",\"type\":\"int\"}]}");

    @TempDir
    static Path stores;

    private static EmbeddedSchemaRegistry basic;
    private static EmbeddedSchemaRegistry bearer;
    private static EmbeddedSchemaRegistry tls;

    @BeforeAll
    static void start() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        basic = EmbeddedSchemaRegistry.builder(kafka.bootstrapServers()).topic(kafka.uniqueName("_schemas-basic"))
                .basicAuth("punctual", "s3cret:with-colon").build().start();
        bearer = EmbeddedSchemaRegistry.builder(kafka.bootstrapServers()).topic(kafka.uniqueName("_schemas-bearer"))
                .bearerToken("tok-123").build().start();
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore", stores.resolve("server.p12").toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-alias", "registry", "-keystore", stores.resolve("server.p12").toString(), "-storepass", PASSWORD,
                "-file", stores.resolve("server.crt").toString());
        keytool("-importcert", "-noprompt", "-alias", "registry", "-file", stores.resolve("server.crt").toString(),
                "-keystore", stores.resolve("trust.p12").toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        tls = EmbeddedSchemaRegistry.builder(kafka.bootstrapServers()).topic(kafka.uniqueName("_schemas-tls"))
                .tls(serverContext(stores.resolve("server.p12"))).basicAuth("punctual", "tls-pass").build().start();
    }

    @AfterAll
    static void stop() {
        for (EmbeddedSchemaRegistry registry : new EmbeddedSchemaRegistry[] {basic, bearer, tls}) {
            if (registry != null) {
                registry.close();
            }
        }
    }

    @Test
    void withoutCredentialsASecuredRegistryAnswers401() {
        SchemaRegistryClient anonymous = new SchemaRegistryClient(basic.url());
        assertThatThrownBy(() -> anonymous.register("secured-anon-value", SCHEMA))
                .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("401");
        assertThat(anonymous.ping(Duration.ofSeconds(5))).isFalse();
    }

    @Test
    void basicAuthFromUserInfo() {
        SchemaRegistryClient client = client(basic.url(), Map.of(
                RegistryClientSettings.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                RegistryClientSettings.BASIC_AUTH_USER_INFO, "punctual:s3cret:with-colon"));
        roundTrip(client, "secured-basic-value");
        assertThat(client.ping(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void basicAuthFromTheUrlKeepsTheCredentialsOutOfTheUrl() {
        String url = basic.url().replace("://", "://punctual:s3cret%3Awith-colon@");
        SchemaRegistryClient client = client(url, Map.of(RegistryClientSettings.BASIC_AUTH_CREDENTIALS_SOURCE, "URL"));
        roundTrip(client, "secured-url-value");
        assertThat(client.baseUrl()).doesNotContain("s3cret").startsWith(basic.url());
    }

    @Test
    void wrongCredentialsAreRefused() {
        SchemaRegistryClient client = client(basic.url(), Map.of(RegistryClientSettings.BASIC_AUTH_USER_INFO, "punctual:guess"));
        assertThatThrownBy(() -> client.register("secured-wrong-value", SCHEMA)).hasMessageContaining("401");
    }

    @Test
    void bearerToken() {
        roundTrip(client(bearer.url(), Map.of(RegistryClientSettings.BEARER_AUTH_CREDENTIALS_SOURCE, "STATIC_TOKEN",
                RegistryClientSettings.BEARER_AUTH_TOKEN, "tok-123")), "secured-bearer-value");
        SchemaRegistryClient wrong = client(bearer.url(), Map.of(RegistryClientSettings.BEARER_AUTH_TOKEN, "tok-999"));
        assertThatThrownBy(() -> wrong.register("secured-bearer-wrong-value", SCHEMA)).hasMessageContaining("401");
    }

    @Test
    void tlsWithAPrivateCaNeedsTheTrustStore() {
        assertThat(tls.url()).startsWith("https://");
        Map<String, String> credentials = Map.of(RegistryClientSettings.BASIC_AUTH_USER_INFO, "punctual:tls-pass");
        SchemaRegistryClient untrusting = client(tls.url(), credentials);
        assertThatThrownBy(() -> untrusting.register("secured-tls-untrusted-value", SCHEMA)).isInstanceOf(SchemaRegistryException.class);

        SchemaRegistryClient trusting = client(tls.url(), Map.of(
                RegistryClientSettings.BASIC_AUTH_USER_INFO, "punctual:tls-pass",
                RegistryClientSettings.SSL_TRUSTSTORE_LOCATION, stores.resolve("trust.p12").toString(),
                RegistryClientSettings.SSL_TRUSTSTORE_PASSWORD, PASSWORD,
                RegistryClientSettings.SSL_TRUSTSTORE_TYPE, "PKCS12"));
        roundTrip(trusting, "secured-tls-value");
    }

    @Test
    void contradictorySettingsFailAtStartUp() {
        assertThatThrownBy(() -> client(basic.url(), Map.of(RegistryClientSettings.BASIC_AUTH_USER_INFO, "a:b",
                RegistryClientSettings.BEARER_AUTH_TOKEN, "t"))).hasMessageContaining("choose one");
        assertThatThrownBy(() -> client(basic.url(), Map.of(RegistryClientSettings.BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT")))
                .hasMessageContaining("USER_INFO or URL");
        assertThatThrownBy(() -> client(basic.url(), Map.of(RegistryClientSettings.BASIC_AUTH_CREDENTIALS_SOURCE, "URL")))
                .hasMessageContaining("user info in the registry URL");
    }

    /** The services' bean reads the same names under {@code schema.registry.}, so environment variables set them. */
    @Test
    void theServicesClientBeanReadsConfluentNamesUnderSchemaRegistry() {
        try (ApplicationContext context = ApplicationContext.run(Map.of(
                ConfigKeys.SCHEMA_REGISTRY_URL, basic.url(),
                ConfigKeys.registrySetting(RegistryClientSettings.BASIC_AUTH_USER_INFO), "punctual:s3cret:with-colon"))) {
            roundTrip(context.getBean(TopicSerdes.class).registry(), "secured-bean-value");
        }
    }

    private static SchemaRegistryClient client(String url, Map<String, String> settings) {
        return new SchemaRegistryClient(url, RegistryClientSettings.from(url, name -> Optional.ofNullable(settings.get(name))));
    }

    private static void roundTrip(SchemaRegistry client, String subject) {
        int id = client.register(subject, SCHEMA);
        assertThat(client.lookup(subject, SCHEMA)).isEqualTo(id);
        assertThat(client.schemaById(id)).isEqualTo(SCHEMA);
    }

    private static SSLContext serverContext(Path keyStore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
