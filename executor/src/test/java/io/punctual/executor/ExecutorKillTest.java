package io.punctual.executor;

import io.punctual.executor.support.DueTopic;
import io.punctual.executor.support.Fires;
import io.punctual.executor.support.Groups;
import io.punctual.executor.support.TopicTail;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.LettaStandIn;
import io.punctual.testkit.RecordedRequest;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An executor process killed with SIGKILL in the middle of a burst of 1,000 fires, then started again: every
 * fire ends with exactly one final result and none is missing. Fires whose delivery had been made but whose
 * result was not yet committed are delivered again (same Idempotency-Key); the test logs how many.
 */
class ExecutorKillTest {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorKillTest.class);
    private static final int FIRES = 1_000;
    private static final int AGENTS = 250;

    @Test
    void aKilledExecutorLosesNoFireAndRecordsNoneTwice() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        KeyMaterial keys = KeyMaterial.generate();
        Fires fires = new Fires(keys.apiKeyCipher());
        String groupId = kafka.uniqueName("executor-kill");
        // The restarted process takes the same instance id, as a pod of a StatefulSet would: its producer fences
        // the dead one's open transaction at once instead of waiting for the transaction timeout.
        String instanceId = "kill-" + UUID.randomUUID();
        TopicSerdes serdes = new TopicSerdes(kafka.schemaRegistryUrl());
        Serializer<DueEvent> dueSerializer = serdes.valueSerde(Topics.DUE).serializer();
        Deserializer<ExecutionResult> resultDeserializer = serdes.valueSerde(Topics.RESULTS).deserializer();

        try (LettaStandIn letta = new LettaStandIn()) {
            // Slow enough answers that the burst takes a few seconds, so the kill lands in its middle.
            letta.delayResponses(Duration.ofMillis(150));
            Groups.startAtEnd(kafka, groupId, Topics.DUE.name());
            Process first = startExecutor(kafka, keys, letta, groupId, instanceId, "first");
            Process second = null;
            // The executor creates the topics if this test runs first.
            await("the topics").atMost(Duration.ofSeconds(60))
                    .until(() -> kafka.admin().listTopics().names().get().containsAll(Set.of(Topics.DUE.name(), Topics.RESULTS.name())));
            try (TopicTail results = new TopicTail(kafka, Topics.RESULTS.name())) {
                List<DueEvent> burst = new ArrayList<>();
                List<String> agents = new ArrayList<>();
                for (int a = 0; a < AGENTS; a++) {
                    agents.add("agent-" + UUID.randomUUID());
                }
                for (int i = 0; i < FIRES; i++) {
                    burst.add(fires.fire(agents.get(i % AGENTS), "sk-kill", "fire " + i));
                }
                DueTopic.publish(kafka, dueSerializer, burst);

                await("deliveries under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                        .until(() -> messageCalls(letta) >= FIRES / 2);
                first.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no last commit
                first.waitFor();
                int callsAtKill = messageCalls(letta);
                LOG.info("Killed the executor after {} of {} deliveries had reached Letta", callsAtKill, FIRES);
                assertThat(callsAtKill).isLessThan(FIRES);

                second = startExecutor(kafka, keys, letta, groupId, instanceId, "second");
                Set<String> ids = burst.stream().map(DueEvent::getFireId).collect(Collectors.toSet());
                Map<String, List<ExecutionResult>> byFire = new HashMap<>();
                await("a final result for every fire").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    results.awaitMatching("results", 0, r -> true);
                    byFire.clear();
                    results.matching(r -> true).stream()
                            .map(r -> resultDeserializer.deserialize(Topics.RESULTS.name(), r.value()))
                            .filter(r -> ids.contains(r.getFireId()) && !r.getRunEnd()) // the delivery's own result, not its run's end
                            .forEach(r -> byFire.computeIfAbsent(r.getFireId(), k -> new ArrayList<>()).add(r));
                    return byFire.size() == FIRES;
                });
                // Let anything still on its way land before counting: the group has committed everything.
                results.readToEnd();
                byFire.clear();
                results.matching(r -> true).stream()
                        .map(r -> resultDeserializer.deserialize(Topics.RESULTS.name(), r.value()))
                        .filter(r -> ids.contains(r.getFireId()) && !r.getRunEnd()) // the delivery's own result, not its run's end
                        .forEach(r -> byFire.computeIfAbsent(r.getFireId(), k -> new ArrayList<>()).add(r));

                assertThat(byFire).hasSize(FIRES);
                assertThat(byFire.values()).allSatisfy(list -> {
                    assertThat(list).hasSize(1);
                    assertThat(list.get(0).getOutcome()).isEqualTo(Outcome.DELIVERED);
                });
                Map<String, Long> callsPerFire = letta.requests().stream().filter(RecordedRequest::isMessage)
                        .map(r -> r.header("Idempotency-Key").orElse(""))
                        .filter(ids::contains)
                        .collect(Collectors.groupingBy(k -> k, Collectors.counting()));
                assertThat(callsPerFire.keySet()).isEqualTo(ids);
                long deliveredTwice = callsPerFire.values().stream().filter(n -> n > 1).count();
                LOG.info("Kill test: {} fires, {} reached Letta before the kill, {} delivered more than once (same Idempotency-Key), "
                        + "every fire exactly one result", FIRES, callsAtKill, deliveredTwice);
                for (String agent : new HashSet<>(agents)) {
                    assertThat(letta.maxConcurrentRequests(agent)).isEqualTo(1);
                }
            } finally {
                first.destroyForcibly();
                if (second != null) {
                    second.destroy();
                    second.waitFor();
                }
            }
        }
    }

    private static int messageCalls(LettaStandIn letta) {
        return (int) letta.requests().stream().filter(RecordedRequest::isMessage).count();
    }

    private static Process startExecutor(KafkaFixture kafka, KeyMaterial keys, LettaStandIn letta, String groupId, String instanceId,
                                         String name) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = Files.createDirectories(Path.of("target", "kill-test")).resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-cp", classpath, ExecutorApplication.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("SCHEMA_REGISTRY_URL", kafka.schemaRegistryUrl());
        env.put("PUNCTUAL_KEYSET_JSON", keys.toJson());
        env.put("PUNCTUAL_LETTA_BASE_URL", letta.baseUrl());
        env.put("PUNCTUAL_EXECUTOR_GROUP_ID", groupId);
        env.put("PUNCTUAL_EXECUTOR_INSTANCE_ID", instanceId);
        env.put("PUNCTUAL_PLANNER_ENABLED", "false");
        env.put("PUNCTUAL_GATEWAY_ENABLED", "false");
        LOG.info("Starting executor process {} (log in {})", name, log.toAbsolutePath());
        return builder.start();
    }
}
