package io.punctual.schemas.config;

import io.micronaut.context.ApplicationContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Runs one service without an HTTP server (planner, executor) until the JVM is asked to stop. */
public final class HeadlessService {
    private static final List<String> SERVICES = List.of(ConfigKeys.PLANNER_ENABLED, ConfigKeys.EXECUTOR_ENABLED, ConfigKeys.GATEWAY_ENABLED);

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
        ApplicationContext context = ApplicationContext.builder().properties(onlyService(enabledKey)).start();
        CountDownLatch closed = new CountDownLatch(1);
        // ApplicationContext.run() registers no shutdown hook (only Micronaut.run does); closing the context lets
        // each service finish cleanly: the planner leaves its group, the executor commits or abandons its batch.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            context.close();
            closed.countDown();
        }, name + "-shutdown"));
        closed.await();
    }
}
