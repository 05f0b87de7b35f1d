package io.punctual.embedded.registry;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Confluent-compatible Avro schema registry served by the JDK's HTTP server, keeping its state in a compacted
 * Kafka topic ({@value #DEFAULT_TOPIC} unless told otherwise).
 *
 * <p>Schema ids, versions and compatibility settings survive a restart because the topic is read back in full
 * on {@link #start()}; every change is acknowledged by Kafka (acks=all) before it is answered.
 *
 * <p>Supported: {@code POST/GET /subjects/{s}/versions}, {@code GET /subjects/{s}/versions/{v|latest}[/schema]},
 * {@code POST /subjects/{s}}, {@code GET /subjects}, {@code GET /schemas/ids/{id}}, {@code GET /schemas/types},
 * {@code GET/PUT /config}, {@code GET/PUT/DELETE /config/{s}},
 * {@code POST /compatibility/subjects/{s}/versions/{v}}. Deleting subjects or versions is not.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    static final String DEFAULT_TOPIC = "_schemas";
    public static final String DEFAULT_HOST = "localhost";
    private static final int HTTP_THREADS = 4;

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    private final String bootstrapServers;
    private final String host;
    private final int requestedPort;
    private final String topic;
    private final CompatibilityLevel defaultLevel;
    private final List<String> acceptedAuthorizations;
    private final SSLContext tls;

    private SchemaRegistryService service;
    private HttpServer server;
    private ExecutorService executor;

    /**
     * @param bootstrapServers Kafka cluster holding the schema topic
     * @param port             HTTP port, 0 for an ephemeral one
     */
    public EmbeddedSchemaRegistry(String bootstrapServers, int port) {
        this(builder(bootstrapServers).port(port));
    }

    private EmbeddedSchemaRegistry(Builder builder) {
        this.bootstrapServers = builder.bootstrapServers;
        this.host = builder.host;
        this.requestedPort = builder.port;
        this.topic = builder.topic;
        this.defaultLevel = builder.defaultLevel;
        this.acceptedAuthorizations = List.copyOf(builder.acceptedAuthorizations);
        this.tls = builder.tls;
    }

    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    /** Creates the topic if needed, reads it back and starts serving HTTP. */
    public synchronized EmbeddedSchemaRegistry start() {
        if (server != null) {
            throw new IllegalStateException("Schema registry already started");
        }
        long startedAt = System.nanoTime();
        try {
            service = new SchemaRegistryService(new SchemaLog(bootstrapServers, topic), defaultLevel);
            service.start();
            executor = Executors.newFixedThreadPool(HTTP_THREADS, daemonThreads());
            if (tls == null) {
                server = HttpServer.create(new InetSocketAddress(host, requestedPort), 0);
            } else {
                HttpsServer https = HttpsServer.create(new InetSocketAddress(host, requestedPort), 0);
                https.setHttpsConfigurator(new HttpsConfigurator(tls));
                server = https;
            }
            HttpHandler api = new RegistryHttpApi(service);
            server.createContext("/", acceptedAuthorizations.isEmpty() ? api : new RequiredAuthorization(acceptedAuthorizations, api));
            server.setExecutor(executor);
            server.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("Interrupted while starting the schema registry", e);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("Schema registry failed to start", e);
        }
        LOG.info("Schema registry serving {} from topic {} in {} ms", url(), topic,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
        return this;
    }

    /** {@code http://localhost:PORT} ({@code https} with TLS), the value for {@code schema.registry.url}. */
    public synchronized String url() {
        return (tls == null ? "http" : "https") + "://" + DEFAULT_HOST + ":" + port();
    }

    synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("Schema registry is not running");
        }
        return server.getAddress().getPort();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
        if (service != null) {
            service.close();
            service = null;
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "schema-registry-http-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Settings of an {@link EmbeddedSchemaRegistry}. */
    public static final class Builder {
        private final String bootstrapServers;
        private String host = DEFAULT_HOST;
        private int port;
        private String topic = DEFAULT_TOPIC;
        private CompatibilityLevel defaultLevel = CompatibilityLevel.BACKWARD;
        private final List<String> acceptedAuthorizations = new ArrayList<>();
        private SSLContext tls;

        private Builder(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        }

        /** HTTP port, 0 (the default) for an ephemeral one. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("Invalid port " + port);
            }
            this.port = port;
            return this;
        }

        /** Interface to bind; {@code localhost} by default. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host);
            return this;
        }

        /** The compacted topic keeping the registry's state; {@value EmbeddedSchemaRegistry#DEFAULT_TOPIC} by default. */
        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic);
            return this;
        }

        /** Global compatibility level until one is set with {@code PUT /config}; BACKWARD by default. */
        public Builder defaultCompatibility(CompatibilityLevel level) {
            this.defaultLevel = Objects.requireNonNull(level);
            return this;
        }

        /** Requires HTTP basic authentication with these credentials (with any other credentials configured). */
        public Builder basicAuth(String user, String password) {
            acceptedAuthorizations.add("Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
            return this;
        }

        /** Requires {@code Authorization: Bearer <token>} (with any other credentials configured). */
        public Builder bearerToken(String token) {
            acceptedAuthorizations.add("Bearer " + Objects.requireNonNull(token));
            return this;
        }

        /** Serves HTTPS with this context (its key manager holds the server certificate) instead of HTTP. */
        public Builder tls(SSLContext context) {
            this.tls = Objects.requireNonNull(context);
            return this;
        }

        public EmbeddedSchemaRegistry build() {
            return new EmbeddedSchemaRegistry(this);
        }
    }
}
