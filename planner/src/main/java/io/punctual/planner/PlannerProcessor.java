package io.punctual.planner;

import io.punctual.planner.cadence.NextFireCalculator;
import io.punctual.planner.command.Change;
import io.punctual.planner.command.CommandDecoder;
import io.punctual.planner.command.CommandHandler;
import io.punctual.planner.command.DeadLetterHeaders;
import io.punctual.planner.command.Decision;
import io.punctual.planner.command.PoisonCommandException;
import io.punctual.planner.fire.Fired;
import io.punctual.planner.fire.Firing;
import io.punctual.planner.timeline.Timeline;
import io.punctual.planner.timeline.TimelineKey;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.DueKeys;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The single writer of schedule state. Applies each command to the schedules store and the timeline, and on a
 * wall-clock punctuation emits the fires the timeline says are due. "Now" is always the task's wall clock.
 */
final class PlannerProcessor implements Processor<String, byte[], String, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(PlannerProcessor.class);

    private final PlannerSettings settings;
    private final CommandDecoder decoder;
    private final CommandHandler handler;
    private final Firing firing;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ScheduleState> schedules;
    private Timeline timeline;

    PlannerProcessor(TopicSerdes serdes, PlannerSettings settings) {
        this.settings = settings;
        this.decoder = new CommandDecoder(serdes.valueSerde(Topics.COMMANDS).deserializer());
        NextFireCalculator nextFire = new NextFireCalculator(settings.onceGrace());
        this.handler = new CommandHandler(nextFire);
        this.firing = new Firing(nextFire);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.schedules = context.getStateStore(PlannerTopology.SCHEDULES_STORE);
        KeyValueStore<Bytes, byte[]> timelineStore = context.getStateStore(PlannerTopology.TIMELINE_STORE);
        this.timeline = new Timeline(timelineStore);
        context.schedule(settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, ignored -> emitDueFires());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            // Tombstones on the commands topic are compaction's business, including the ones this processor writes.
            return;
        }
        ScheduleCommand command;
        try {
            command = decoder.decode(record.key(), record.value());
        } catch (PoisonCommandException e) {
            deadLetter(record, e.getMessage());
            return;
        }
        long now = context.currentSystemTimeMs();
        Decision decision;
        try {
            decision = handler.handle(command, schedules.get(command.getScheduleId()), Instant.ofEpochMilli(now));
        } catch (RuntimeException e) {
            // Nothing has been written yet, so setting the record aside leaves no half-applied command behind.
            LOG.error("Command {} for schedule {} could not be handled", command.getCommandId(), command.getScheduleId(), e);
            deadLetter(record, "unprocessable: " + e);
            return;
        }
        apply(command.getScheduleId(), decision.change(), now);
        context.forward(new Record<>(command.getScheduleId(), decision.result(), now), PlannerTopology.COMMAND_RESULTS_SINK);
    }

    private void apply(String scheduleId, Change change, long now) {
        if (change instanceof Change.Upsert upsert) {
            ScheduleState previous = upsert.previous();
            ScheduleState state = upsert.state();
            if (previous != null && previous.getNextFireAt() != null) {
                timeline.remove(previous.getNextFireAt(), scheduleId);
            }
            store(state, now);
        } else if (change instanceof Change.Removal removal) {
            ScheduleState previous = removal.previous();
            if (previous.getNextFireAt() != null) {
                timeline.remove(previous.getNextFireAt(), scheduleId);
            }
            schedules.delete(scheduleId);
            context.forward(new Record<>(scheduleId, null, now), PlannerTopology.SCHEDULES_SINK);
            context.forward(new Record<>(scheduleId, null, now), PlannerTopology.COMMANDS_SINK);
        }
    }

    /** Stores the state, publishes it and indexes its next fire. */
    private void store(ScheduleState state, long now) {
        schedules.put(state.getScheduleId(), state);
        context.forward(new Record<>(state.getScheduleId(), state, now), PlannerTopology.SCHEDULES_SINK);
        if (state.getStatus() == ScheduleStatus.ACTIVE && state.getNextFireAt() != null) {
            timeline.add(state.getNextFireAt(), state.getScheduleId());
        }
    }

    private void emitDueFires() {
        long nowMs = context.currentSystemTimeMs();
        Instant now = Instant.ofEpochMilli(nowMs);
        List<TimelineKey> due = timeline.due(now, settings.maxFiresPerPunctuation());
        for (TimelineKey entry : due) {
            timeline.remove(entry.fireAt(), entry.scheduleId());
            ScheduleState state = schedules.get(entry.scheduleId());
            if (state == null || state.getStatus() != ScheduleStatus.ACTIVE || !entry.fireAt().equals(state.getNextFireAt())) {
                LOG.debug("Skipping stale timeline entry {} at {}", entry.scheduleId(), entry.fireAt());
                continue;
            }
            Fired fired = firing.fire(state, entry.fireAt(), now);
            context.forward(new Record<>(DueKeys.of(fired.event().getTarget(), state.getScheduleId()), fired.event(), nowMs), PlannerTopology.DUE_SINK);
            store(fired.state(), nowMs);
        }
        if (due.size() == settings.maxFiresPerPunctuation()) {
            LOG.debug("Emitted the maximum of {} fires; the rest go out on the next punctuation", due.size());
        }
    }

    private void deadLetter(Record<String, byte[]> record, String reason) {
        Optional<RecordMetadata> source = context.recordMetadata();
        String topic = source.map(RecordMetadata::topic).orElse(Topics.COMMANDS.name());
        int partition = source.map(RecordMetadata::partition).orElse(-1);
        long offset = source.map(RecordMetadata::offset).orElse(-1L);
        LOG.warn("Command record at {}-{}@{} set aside: {}", topic, partition, offset, reason);
        context.forward(new Record<String, Object>(record.key(), record.value(), context.currentSystemTimeMs(),
                DeadLetterHeaders.of(record.headers(), reason, topic, partition, offset)), PlannerTopology.COMMANDS_DLQ_SINK);
    }
}
