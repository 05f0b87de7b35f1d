package io.punctual.executor;

import io.micronaut.context.ApplicationContext;
import io.punctual.executor.kafka.DeliveryService;
import io.punctual.executor.support.ExecutorContexts;
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
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An executor asked to stop (SIGTERM closes its context) in the middle of a batch finishes the deliveries of the
 * batch with its HTTP client still open. The scale-out drill found the opposite: the context destroyed the HTTP
 * client before the delivery loop had drained, and every fire still queued behind its agent failed with "The client
 * is closed" and was recorded as a failed attempt (RETRYING), to be delivered again later by another executor.
 */
class ExecutorStopTest {
    private static final int FIRES = 8;

    @Test
    void aStopMidBatchDeliversTheQueuedFiresInsteadOfFailingThem() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        KeyMaterial keys = KeyMaterial.generate();
        String groupId = kafka.uniqueName("executor-stop");
        TopicSerdes serdes = new TopicSerdes(kafka.schemaRegistryUrl());
        Serializer<DueEvent> dueSerializer = serdes.valueSerde(Topics.DUE).serializer();
        Deserializer<ExecutionResult> resultDeserializer = serdes.valueSerde(Topics.RESULTS).deserializer();
        try (LettaStandIn letta = new LettaStandIn()) {
            // One agent: its fires go one at a time, so most of the batch is still queued when the stop comes.
            letta.delayResponses(Duration.ofMillis(300));
            String agent = "agent-" + UUID.randomUUID();
            Groups.startAtEnd(kafka, groupId, Topics.DUE.name());
            ApplicationContext executor = ExecutorContexts.start(kafka, keys, letta.baseUrl(), groupId, "stop-" + UUID.randomUUID(), Map.of());
            try (TopicTail results = new TopicTail(kafka, Topics.RESULTS.name())) {
                await("the executor ready").atMost(Duration.ofSeconds(60)).until(executor.getBean(DeliveryService.class)::isReady);
                Fires fires = new Fires(keys.apiKeyCipher());
                List<DueEvent> batch = new ArrayList<>();
                for (int i = 0; i < FIRES; i++) {
                    batch.add(fires.fire(agent, "sk-stop", "fire " + i));
                }
                DueTopic.publish(kafka, dueSerializer, batch);
                await("the first delivery under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                        .until(() -> !letta.messagesTo(agent).isEmpty());

                executor.close(); // what the shutdown hook does on SIGTERM

                Set<String> ids = batch.stream().map(DueEvent::getFireId).collect(Collectors.toSet());
                List<ExecutionResult> written = results.readToEnd().stream()
                        .map(r -> resultDeserializer.deserialize(Topics.RESULTS.name(), r.value()))
                        .filter(r -> ids.contains(r.getFireId()))
                        .toList();
                assertThat(written).as("results committed by the stopping executor").isNotEmpty()
                        .allSatisfy(r -> assertThat(r.getOutcome()).as("outcome of %s (%s)", r.getFireId(), r.getDetail())
                                .isEqualTo(Outcome.DELIVERED));
                assertThat(letta.messagesTo(agent)).as("every call reached the stand-in and was answered 2xx")
                        .allSatisfy(r -> assertThat(r.status() / 100).isEqualTo(2));
            } finally {
                executor.close();
            }
        }
    }
}
