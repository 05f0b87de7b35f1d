package io.punctual.executor.config;

import io.micronaut.context.ApplicationContext;
import io.punctual.kernel.config.ConfigKeys;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExecutorSettingsFactoryTest {

    private static ExecutorSettings settings(Map<String, Object> properties) {
        Map<String, Object> withoutPlanner = new HashMap<>(properties);
        // The planner is on the test classpath (for the retry loop tests); these contexts have no Kafka for it.
        withoutPlanner.put(ConfigKeys.PLANNER_ENABLED, "false");
        try (ApplicationContext context = ApplicationContext.run(withoutPlanner)) {
            return context.getBean(ExecutorSettings.class);
        }
    }

    @Test
    void defaultsWhenNothingIsConfigured() {
        ExecutorSettings settings = settings(Map.of(ConfigKeys.EXECUTOR_ENABLED, "false"));

        assertThat(settings.groupId()).isEqualTo("punctual-executor");
        assertThat(settings.maxInFlight()).isEqualTo(64);
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.defaultLettaBaseUrl()).isEqualTo("https://api.letta.com");
        assertThat(settings.transactionalId()).startsWith("punctual-executor-").hasSizeGreaterThan("punctual-executor-".length());
    }

    @Test
    void everyInstanceGetsItsOwnTransactionalIdUnlessConfigured() {
        Map<String, Object> unnamed = Map.of(ConfigKeys.EXECUTOR_ENABLED, "false");
        assertThat(settings(unnamed).instanceId()).isNotEqualTo(settings(unnamed).instanceId());

        ExecutorSettings named = settings(Map.of(
                ConfigKeys.EXECUTOR_ENABLED, "false",
                ConfigKeys.EXECUTOR_INSTANCE_ID, "executor-7",
                ConfigKeys.EXECUTOR_GROUP_ID, "group-x",
                ConfigKeys.EXECUTOR_MAX_IN_FLIGHT, "8",
                ConfigKeys.EXECUTOR_REQUEST_TIMEOUT, "5s",
                ConfigKeys.LETTA_BASE_URL, "http://letta.internal:8283"));
        assertThat(named).isEqualTo(new ExecutorSettings("group-x", "executor-7", 8, Duration.ofSeconds(5), "http://letta.internal:8283"));
        assertThat(named.transactionalId()).isEqualTo("punctual-executor-executor-7");
    }
}
