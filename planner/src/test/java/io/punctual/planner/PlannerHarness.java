package io.punctual.planner;

import io.punctual.planner.command.SpecGuard;
import io.punctual.planner.lifecycle.LifecycleSettings;
import io.punctual.planner.metrics.ScheduleCensus;
import io.punctual.planner.state.ScheduleStore;
import io.punctual.planner.timeline.TimelineKey;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.SchedulesTopicCopy;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The planner topology in a TopologyTestDriver, with a wall clock the test moves. */
final class PlannerHarness implements AutoCloseable {
    /** A Monday, 08:57:30 in Berlin (UTC+1 in March before the switch to summer time). */
    static final Instant START = Instant.parse("2025-03-03T07:57:30Z");

    final TopicSerdes serdes;
    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> commands;
    final TestInputTopic<String, byte[]> executionResults;
    final TestOutputTopic<String, CommandResult> results;
    final TestOutputTopic<String, ScheduleState> schedules;
    final TestOutputTopic<String, DueEvent> due;
    final TestOutputTopic<String, byte[]> commandsOut;
    final TestOutputTopic<String, byte[]> deadLetters;
    /** punctual.schedules as the task reloads its schedules store from it when it starts without a session. */
    final SchedulesTopicCopy schedulesLog = new SchedulesTopicCopy();
    /** The driver's schedules by status, as the gauge reads them. */
    final ScheduleCensus census;
    private Instant now;

    PlannerHarness(TopicSerdes serdes, PlannerSettings settings, Instant start) {
        this(serdes, settings, start, SpecGuard.none(), LifecycleSettings.defaults());
    }

    PlannerHarness(TopicSerdes serdes, PlannerSettings settings, Instant start, SpecGuard guard) {
        this(serdes, settings, start, guard, LifecycleSettings.defaults());
    }

    PlannerHarness(TopicSerdes serdes, PlannerSettings settings, LifecycleSettings lifecycle, Instant start) {
        this(serdes, settings, start, SpecGuard.none(), lifecycle);
    }

    PlannerHarness(TopicSerdes serdes, PlannerSettings settings, Instant start, SpecGuard guard, LifecycleSettings lifecycle) {
        this.serdes = serdes;
        this.now = start;
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
        // A new driver's task finds no session and reloads its schedules from punctual.schedules (schedulesLog, empty
        // unless a test puts records there first); a driver opened again over the same state directory finds its own
        // session and keeps its stores.
        census = new ScheduleCensus(serdes.registry());
        driver = new TopologyTestDriver(PlannerTopology.build(serdes, settings, guard, lifecycle, config -> schedulesLog.consumer(), census), props, start);
        commands = driver.createInputTopic(Topics.COMMANDS.name(), new StringSerializer(), new ByteArraySerializer());
        executionResults = driver.createInputTopic(Topics.RESULTS.name(), new StringSerializer(), new ByteArraySerializer());
        results = driver.createOutputTopic(Topics.COMMAND_RESULTS.name(), new StringDeserializer(),
                serdes.valueSerde(Topics.COMMAND_RESULTS).deserializer());
        schedules = driver.createOutputTopic(Topics.SCHEDULES.name(), new StringDeserializer(),
                serdes.valueSerde(Topics.SCHEDULES).deserializer());
        due = driver.createOutputTopic(Topics.DUE.name(), new StringDeserializer(), serdes.valueSerde(Topics.DUE).deserializer());
        commandsOut = driver.createOutputTopic(Topics.COMMANDS.name(), new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(Topics.COMMANDS_DLQ.name(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    byte[] encode(ScheduleCommand command) {
        return serdes.valueSerde(Topics.COMMANDS).serializer().serialize(Topics.COMMANDS.name(), command);
    }

    /** Sends the command keyed by its schedule id and returns its one result. */
    CommandResult send(ScheduleCommand command) {
        commands.pipeInput(command.getScheduleId(), encode(command));
        List<KeyValue<String, CommandResult>> answers = results.readKeyValuesToList();
        assertThat(answers).as("results of %s", command.getCommandId()).hasSize(1);
        assertThat(answers.get(0).key).isEqualTo(command.getScheduleId());
        assertThat(answers.get(0).value.getCommandId()).isEqualTo(command.getCommandId());
        return answers.get(0).value;
    }

    /** Sends an execution result as the executor would, keyed by its schedule id. */
    void sendResult(ExecutionResult result) {
        executionResults.pipeInput(result.getScheduleId(),
                serdes.valueSerde(Topics.RESULTS).serializer().serialize(Topics.RESULTS.name(), result));
    }

    void sendRaw(String key, byte[] value, Headers headers) {
        commands.pipeInput(new TestRecord<>(key, value, headers == null ? new RecordHeaders() : headers, now()));
    }

    /** Moves the wall clock, which runs at most one punctuation, and returns the fires it emitted. */
    List<TestRecord<String, DueEvent>> advance(Duration by) {
        driver.advanceWallClockTime(by);
        now = now.plus(by);
        return due.readRecordsToList();
    }

    /** Moves the wall clock to {@code instant}. */
    List<TestRecord<String, DueEvent>> advanceTo(Instant instant) {
        return advance(Duration.between(now(), instant));
    }

    Instant now() {
        return now;
    }

    /** The schedules store, read as the planner reads it. */
    ScheduleStore scheduleStore() {
        return new ScheduleStore(rawScheduleStore(), serdes.valueSerde(Topics.SCHEDULES));
    }

    /**
     * Puts a state on punctual.schedules as a planner of an earlier run left it: the task reloads its store from there
     * before it first applies or scans (call before anything is sent).
     */
    void published(ScheduleState state) {
        schedulesLog.add(state.getScheduleId(), serdes.valueSerde(Topics.SCHEDULES).serializer().serialize(Topics.SCHEDULES.name(), state));
    }

    /** The schedules store's encoded values, as published on punctual.schedules. */
    KeyValueStore<String, byte[]> rawScheduleStore() {
        return driver.getKeyValueStore(PlannerTopology.SCHEDULES_STORE);
    }

    /** The timeline's entries as (fire time, schedule id), oldest first. */
    List<KeyValue<Instant, String>> timeline() {
        KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(PlannerTopology.TIMELINE_STORE);
        List<KeyValue<Instant, String>> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            it.forEachRemaining(kv -> {
                TimelineKey key = TimelineKey.fromBytes(kv.key);
                entries.add(KeyValue.pair(key.fireAt(), key.scheduleId()));
            });
        }
        return entries;
    }

    @Override
    public void close() {
        driver.close();
    }
}
