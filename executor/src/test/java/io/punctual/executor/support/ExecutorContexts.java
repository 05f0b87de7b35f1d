package io.punctual.executor.support;

import io.micronaut.context.ApplicationContext;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.testkit.KafkaFixture;

import java.util.HashMap;
import java.util.Map;

/** A Micronaut context running only the executor against the shared broker and a Letta stand-in. */
public final class ExecutorContexts {
    private ExecutorContexts() {
    }

    public static ApplicationContext start(KafkaFixture kafka, KeyMaterial keys, String lettaBaseUrl, String groupId,
                                           String instanceId, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>(Map.of(
                ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                ConfigKeys.SCHEMA_REGISTRY_URL, kafka.schemaRegistryUrl(),
                ConfigKeys.KEYSET_JSON, keys.toJson(),
                ConfigKeys.LETTA_BASE_URL, lettaBaseUrl,
                // The planner is on the test classpath; these contexts run the executor alone.
                ConfigKeys.PLANNER_ENABLED, "false",
                ConfigKeys.GATEWAY_ENABLED, "false",
                ConfigKeys.EXECUTOR_GROUP_ID, groupId,
                ConfigKeys.EXECUTOR_INSTANCE_ID, instanceId));
        // Runs are looked up quickly, so that a fire behind a finished run of its agent does not wait for a slow poll.
        props.put(ConfigKeys.EXECUTOR_RUNS_POLL_INITIAL, "50ms");
        props.put(ConfigKeys.EXECUTOR_RUNS_POLL_MAX, "200ms");
        props.putAll(extra);
        return ApplicationContext.run(props);
    }
}
