package io.punctual.kernel.config;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one service (planner, executor) until the JVM is asked to stop, with an HTTP server on the management port
 * only ({@link ConfigKeys#MANAGEMENT_PORT}, default {@value #DEFAULT_MANAGEMENT_PORT}): health probes and metrics.
 */
public final class HeadlessService {
    private static final List<String> SERVICES = List.of(ConfigKeys.PLANNER_ENABLED, ConfigKeys.EXECUTOR_ENABLED, ConfigKeys.GATEWAY_ENABLED);

    public static final int DEFAULT_MANAGEMENT_PORT = 9090;
    private static final Logger LOG = LoggerFactory.getLogger(HeadlessService.class);

    private HeadlessService() {
    }

    /**
     * The properties that switch off every service but one. The jar may carry all three services; a process
     * started for one runs only that one.
     */
    public static Map<String, Object> onlyService(String enabledKey) {
        Map<String, Object> props = new HashMap<>();
        SERVICES.stream().filter(k -> !k.equals(enabledKey)).forEach(k -> props.put(k, false));
        return props;
    }

    public static void runUntilStopped(String name, String enabledKey) throws InterruptedException {
        ApplicationContext context = start(enabledKey, Map.of());
        CountDownLatch closed = new CountDownLatch(1);
        // ApplicationContext.run() registers no shutdown hook (only Micronaut.run does); closing the context lets
        // each service finish cleanly: the planner leaves its group, the executor commits or abandons its batch.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            context.close();
            closed.countDown();
        }, name + "-shutdown"));
        closed.await();
    }

    /**
     * Starts the context of one service and its management server; {@code extra} properties win (tests).
     * The management server is Micronaut's HTTP server when it is on the classpath (it is in the jar).
     */
    public static ApplicationContext start(String enabledKey, Map<String, Object> extra) {
        Map<String, Object> props = onlyService(enabledKey);
        props.put("micronaut.server.port", "${" + ConfigKeys.MANAGEMENT_PORT + ":" + DEFAULT_MANAGEMENT_PORT + "}");
        props.putAll(extra);
        ApplicationContext context = ApplicationContext.builder().properties(props).start();
        try {
            context.findBean(EmbeddedServer.class).ifPresentOrElse(server -> {
                server.start();
                LOG.info("Health and metrics on port {}: /health/liveness, /health/readiness, /prometheus", server.getPort());
            }, () -> LOG.warn("No HTTP server on the classpath: no health or metrics endpoints"));
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
        return context;
    }
}
