package io.punctual.standalone.drill;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process of its own running a main class from the test class path, for drills where a part of Punctual must
 * die as a crashed process dies: {@link #kill()} is SIGKILL (no shutdown hook, no last commit), {@link #stop()}
 * SIGTERM. Its output goes to {@code target/drills/<name>.log}.
 */
final class ChildJvm implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);
    private static final String LOGBACK = Path.of("target", "test-classes", "logback-drill-child.xml").toAbsolutePath().toString();

    private final String name;
    private final Process process;
    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code mainClass} with these environment variables (added to this JVM's) and arguments. */
    static ChildJvm start(String name, Class<?> mainClass, Map<String, String> env, String... args) {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx768m", "-XX:+UseSerialGC",
                "-Dsun.net.httpserver.nodelay=true", "-Dlogback.configurationFile=" + LOGBACK, "-cp", classpath, mainClass.getName()));
        command.addAll(List.of(args));
        try {
            Path log = Files.createDirectories(Path.of("target", "drills")).resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            LOG.info("Started {} ({}) as pid {}, log in {}", name, mainClass.getSimpleName(), process.pid(), log.toAbsolutePath());
            return new ChildJvm(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name, e);
        }
    }

    /** SIGKILL, then waits until the process is gone. */
    void kill() {
        process.destroyForcibly();
        awaitExit();
        LOG.info("Killed {} (SIGKILL)", name);
    }

    /** SIGTERM (shutdown hooks run), then waits until the process is gone; SIGKILL after 60 s. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                LOG.warn("{} did not stop within 60 s after SIGTERM; killing it", name);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        awaitExit();
        LOG.info("Stopped {} (SIGTERM)", name);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    private void awaitExit() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the process if it still runs (the end of a test, passed or failed). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            awaitExit();
        }
    }

    /** A port free right now, for a process that must keep its port across restarts. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
