package io.punctual.bench.headline;

import io.punctual.kernel.secrets.KeyMaterial;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Punctual as a user runs it: {@code java -jar standalone/target/punctual.jar} in its own JVM, configured through
 * its environment variables (data directory, ports, Letta base URL), plus Micronaut properties as {@code -D}
 * flags where a benchmark needs a setting changed (for example the gateway's limits off).
 */
final class StandaloneChild implements AutoCloseable {
    final Path dataDir;
    final int httpPort;
    final int kafkaPort;
    final int registryPort;
    private final Process process;
    private final Path log;

    private StandaloneChild(Path dataDir, int httpPort, int kafkaPort, int registryPort, Process process, Path log) {
        this.dataDir = dataDir;
        this.httpPort = httpPort;
        this.kafkaPort = kafkaPort;
        this.registryPort = registryPort;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the jar and waits until {@code GET /health} answers 200.
     *
     * @param jvmFlags   extra JVM flags, e.g. a JFR recording
     * @param properties Micronaut properties passed as {@code -Dname=value}
     */
    static StandaloneChild start(Path jar, Path workDir, String name, String lettaBaseUrl, List<String> jvmFlags,
                                 Map<String, String> properties) throws Exception {
        Path dataDir = Files.createDirectories(workDir.resolve(name + "-data"));
        Path log = workDir.resolve(name + ".log");
        int[] ports = BenchPorts.freePorts(3);
        int http = ports[0];
        int kafka = ports[1];
        int registry = ports[2];
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PUNCTUAL_DATA_DIR", dataDir.toString());
        builder.environment().put("PUNCTUAL_HTTP_PORT", Integer.toString(http));
        builder.environment().put("PUNCTUAL_KAFKA_PORT", Integer.toString(kafka));
        builder.environment().put("PUNCTUAL_REGISTRY_PORT", Integer.toString(registry));
        builder.environment().put("PUNCTUAL_LETTA_BASE_URL", lettaBaseUrl);
        Process process = builder.start();
        // Stopping the bench (Ctrl-C) stops the child too.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
        StandaloneChild child = new StandaloneChild(dataDir, http, kafka, registry, process, log);
        try {
            child.awaitHealthy(Duration.ofMinutes(3));
        } catch (Exception e) {
            child.close();
            throw e;
        }
        return child;
    }

    private void awaitHealthy(Duration limit) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(baseUrl() + "/health")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the standalone exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the standalone was not healthy after " + limit + "; see " + log);
    }

    String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    String bootstrapServers() {
        return "localhost:" + kafkaPort;
    }

    String registryUrl() {
        return "http://localhost:" + registryPort;
    }

    /** The keyset the standalone created in its data directory, to seal API keys as the gateway would. */
    KeyMaterial keys() {
        return KeyMaterial.read(dataDir.resolve("keyset.json"));
    }

    long pid() {
        return process.pid();
    }

    /** The CPU time the child's process has used so far, all its threads (user and system). */
    Duration cpuTime() {
        return process.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException("no CPU time for the child's process"));
    }

    /** Stops it as a user would (SIGTERM), so a JFR recording is written on exit, and deletes its data (the log stays). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.out.println("  note: could not delete " + dataDir + ": " + e.getMessage());
        }
    }
}
