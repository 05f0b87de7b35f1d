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
        int http = freePort();
        int kafka = freePort();
        int registry = freePort();
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

    /**
     * CPU time per thread name (the kernel's, cut to 15 characters, digits folded so threads of one pool add up) the
     * child has used so far, in ms, from /proc (Linux; empty elsewhere).
     */
    Map<String, Long> threadCpuMs() {
        Map<String, Long> byName = new java.util.TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "N");
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    byName.merge(name, (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10, Long::sum);
                } catch (IOException | RuntimeException e) {
                    // The thread ended meanwhile.
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return byName;
    }

    /** CPU time (user + system) the child has used so far, from /proc (Linux; clock ticks taken as 100 a second); -1 elsewhere. */
    long cpuMs() {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // Fields 14 and 15 of stat(5) (utime, stime) are the 12th and 13th after the command's closing parenthesis.
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
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

    private static int freePort() throws IOException {
        return BenchPorts.freePort();
    }
}
