package io.punctual.planner;

import io.punctual.schemas.CommandResult;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schedules store holds encoded states (encoded once for the store and punctual.schedules, its only log), in the
 * bytes its typed predecessor wrote: what that one wrote (the serde called with its changelog topic, hence the
 * changelog's subject) reads unchanged. Over the real registry, whose ids are global per schema.
 */
class ScheduleStoreFormatTest {
    @TempDir
    Path stateDir;

    private final TopicSerdes serdes = new TopicSerdes(KafkaFixture.shared().schemaRegistryUrl());
    private final PlannerSettings settings = PlannerSettings.defaults().withApplicationId("format-test");
    private final String changelog = settings.applicationId() + "-" + PlannerTopology.SCHEDULES_STORE + "-changelog";
    /** How the typed store encoded a state: its changelog topic was the topic the serde was called with. */
    private final Serializer<ScheduleState> typedStore = serdes.valueSerde(Topics.SCHEDULES).serializer();
    private PlannerHarness planner;

    @AfterEach
    void close() {
        if (planner != null) {
            planner.close();
        }
    }

    @Test
    void theStoreAndTheTopicGetTheBytesTheTypedStoreWroteAndNoChangelogIsWritten() {
        planner = new PlannerHarness(serdes, settings.withStateDir(stateDir), PlannerHarness.START);
        TestOutputTopic<String, byte[]> changelogOut = planner.driver.createOutputTopic(changelog, new StringDeserializer(), new ByteArrayDeserializer());
        TestOutputTopic<String, byte[]> published = planner.driver.createOutputTopic(Topics.SCHEDULES.name(), new StringDeserializer(), new ByteArrayDeserializer());

        planner.send(TestCommands.createOnce("s-fmt", "agent-1", PlannerHarness.START.plusSeconds(60)));

        ScheduleState state = planner.scheduleStore().get("s-fmt");
        byte[] typed = typedStore.serialize(changelog, state);
        // punctual.schedules is the store's log (ScheduleReload): a changelog would be a second copy of every state.
        assertThat(changelogOut.readKeyValuesToList()).isEmpty();
        assertThat(published.readKeyValuesToList()).singleElement().satisfies(kv -> assertThat(kv.value).isEqualTo(typed));
        assertThat(planner.rawScheduleStore().get("s-fmt")).isEqualTo(typed);
    }

    @Test
    void theCommandResultCarriesTheSavedStateInTheBytesEncodingItAgainWouldWrite() {
        planner = new PlannerHarness(serdes, settings.withStateDir(stateDir), PlannerHarness.START);
        TestOutputTopic<String, byte[]> results = planner.driver.createOutputTopic(Topics.COMMAND_RESULTS.name(), new StringDeserializer(), new ByteArrayDeserializer());

        // Piped, not sent: the harness's send reads the results it answers with, and the driver keeps one queue a topic.
        for (var command : List.of(TestCommands.createOnce("s-result", "agent-1", PlannerHarness.START.plusSeconds(60)),
                TestCommands.pause("s-result", "a second command, a second state"))) {
            planner.commands.pipeInput(command.getScheduleId(), planner.encode(command));
        }

        List<KeyValue<String, byte[]>> written = results.readKeyValuesToList();
        assertThat(written).hasSize(2);
        var codec = serdes.valueSerde(Topics.COMMAND_RESULTS);
        for (KeyValue<String, byte[]> kv : written) {
            CommandResult result = codec.deserializer().deserialize(Topics.COMMAND_RESULTS.name(), kv.value);
            // Encoded here, outside the planner's scope: every field, the state's included, by Avro itself.
            assertThat(kv.value).isEqualTo(codec.serializer().serialize(Topics.COMMAND_RESULTS.name(), result));
        }
        CommandResult last = codec.deserializer().deserialize(Topics.COMMAND_RESULTS.name(), written.get(1).value);
        assertThat(last.getState()).isEqualTo(planner.scheduleStore().get("s-result"));
        assertThat(last.getState().getStatus()).isEqualTo(ScheduleStatus.PAUSED);
    }

    @Test
    void aStateTheTypedStoreWroteIsReadAndChanged() {
        planner = new PlannerHarness(serdes, settings.withStateDir(stateDir), PlannerHarness.START);
        ScheduleState old = ScheduleState.newBuilder()
                .setScheduleId("s-old").setSpec(TestCommands.spec(TestCommands.TENANT, "agent-1", new OnceCadence(PlannerHarness.START.plusSeconds(3600))))
                .setStatus(ScheduleStatus.ACTIVE).setVersion(1L).setCreatedAt(PlannerHarness.START).setUpdatedAt(PlannerHarness.START)
                .setNextFireAt(PlannerHarness.START.plusSeconds(3600)).build();
        // In the typed store's bytes, on the topic the task reloads its store from before it applies the command.
        planner.schedulesLog.add("s-old", typedStore.serialize(changelog, old));

        assertThat(planner.send(TestCommands.pause("s-old", "after the upgrade")).getAccepted()).isTrue();
        assertThat(planner.scheduleStore().get("s-old").getStatus()).isEqualTo(ScheduleStatus.PAUSED);
        assertThat(planner.scheduleStore().get("s-old").getVersion()).isEqualTo(2L);
    }
}
