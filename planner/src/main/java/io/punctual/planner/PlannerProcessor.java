package io.punctual.planner;

import io.punctual.planner.cadence.NextFireCalculator;
import io.punctual.planner.command.Change;
import io.punctual.planner.command.CommandDecoder;
import io.punctual.planner.command.CommandHandler;
import io.punctual.planner.command.SpecGuard;
import io.punctual.planner.command.DeadLetterHeaders;
import io.punctual.planner.command.Decision;
import io.punctual.planner.command.PoisonCommandException;
import io.punctual.planner.fire.DueEvents;
import io.punctual.planner.fire.Fired;
import io.punctual.planner.fire.Firing;
import io.punctual.planner.outcome.Applied;
import io.punctual.planner.outcome.AppliedResults;
import io.punctual.planner.outcome.OutcomeApplier;
import io.punctual.planner.outcome.ResultDecoder;
import io.punctual.planner.retry.RetryTimer;
import io.punctual.planner.retry.RetryTimers;
import io.punctual.planner.timeline.Timeline;
import io.punctual.planner.timeline.TimelineKey;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.SchemaRegistryException;
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
 * The single writer of schedule state. Applies each command, and each execution result, to the schedules store and
 * the timeline, and on a wall-clock punctuation emits the retries and fires that are due. "Now" is always the
 * task's wall clock.
 */
final class PlannerProcessor implements Processor<String, byte[], String, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(PlannerProcessor.class);

    private final PlannerSettings settings;
    private final CommandDecoder decoder;
    private final ResultDecoder resultDecoder;
    private final OutcomeApplier outcomes = new OutcomeApplier();
    private final CommandHandler handler;
    private final Firing firing;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ScheduleState> schedules;
    private Timeline timeline;
    private RetryTimers retries;
    private AppliedResults appliedResults;

    PlannerProcessor(TopicSerdes serdes, PlannerSettings settings, SpecGuard guard) {
        this.settings = settings;
        this.decoder = new CommandDecoder(serdes.valueSerde(Topics.COMMANDS).deserializer());
        this.resultDecoder = new ResultDecoder(serdes.valueSerde(Topics.RESULTS).deserializer());
        NextFireCalculator nextFire = new NextFireCalculator(settings.onceGrace());
        this.firing = new Firing(nextFire, settings.misfireThreshold());
        this.handler = new CommandHandler(nextFire, firing, guard);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.schedules = context.getStateStore(PlannerTopology.SCHEDULES_STORE);
        KeyValueStore<Bytes, byte[]> timelineStore = context.getStateStore(PlannerTopology.TIMELINE_STORE);
        this.timeline = new Timeline(timelineStore);
        KeyValueStore<Bytes, byte[]> retryStore = context.getStateStore(PlannerTopology.RETRIES_STORE);
        this.retries = new RetryTimers(retryStore);
        KeyValueStore<String, String> appliedStore = context.getStateStore(PlannerTopology.APPLIED_RESULTS_STORE);
        this.appliedResults = new AppliedResults(appliedStore);
        context.schedule(settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, ignored -> emitDueFires());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            // Tombstones on the commands topic are compaction's business, including the ones this processor writes.
            return;
        }
        if (context.recordMetadata().map(m -> Topics.RESULTS.name().equals(m.topic())).orElse(false)) {
            processResult(record);
        } else {
            processCommand(record);
        }
    }

    private void processResult(Record<String, byte[]> record) {
        String where = context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("?");
        Optional<ExecutionResult> decoded = resultDecoder.decode(record.key(), record.value(), where);
        if (decoded.isEmpty()) {
            return;
        }
        ExecutionResult result = decoded.get();
        ScheduleState state = schedules.get(result.getScheduleId());
        if (state == null || appliedResults.seen(result)) {
            // A deleted or unknown schedule has nothing left to count; a result seen before was counted then.
            return;
        }
        long now = context.currentSystemTimeMs();
        Applied applied = outcomes.apply(state, result, Instant.ofEpochMilli(now));
        appliedResults.remember(result);
        applied.retry().ifPresent(retries::add);
        if (applied.state() != null) {
            save(state, applied.state(), now);
        }
    }

    private void processCommand(Record<String, byte[]> record) {
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
            if (SchemaRegistryException.isUnavailable(e)) {
                // Reading the schedule's state needed the registry, which is down: the command is fine. Failing the
                // task makes Kafka Streams read it again once the thread is replaced (PlannerService backs off).
                throw e;
            }
            // Nothing has been written yet, so setting the record aside leaves no half-applied command behind.
            LOG.error("Command {} for schedule {} could not be handled", command.getCommandId(), command.getScheduleId(), e);
            deadLetter(record, "unprocessable: " + e);
            return;
        }
        apply(command.getScheduleId(), decision.change(), now);
        for (DueEvent fire : decision.fires()) {
            emit(fire, now);
        }
        context.forward(new Record<>(command.getScheduleId(), decision.result(), now), PlannerTopology.COMMAND_RESULTS_SINK);
    }

    private void apply(String scheduleId, Change change, long now) {
        if (change instanceof Change.Upsert upsert) {
            ScheduleState previous = upsert.previous();
            ScheduleState state = upsert.state();
            save(previous, state, now);
        } else if (change instanceof Change.Removal removal) {
            unindex(removal.previous());
            schedules.delete(scheduleId);
            appliedResults.forget(scheduleId);
            context.forward(new Record<>(scheduleId, null, now), PlannerTopology.SCHEDULES_SINK);
            context.forward(new Record<>(scheduleId, null, now), PlannerTopology.COMMANDS_SINK);
        }
    }

    /** Stores the state, publishes it and moves its timeline entry from where {@code previous} had it. */
    private void save(ScheduleState previous, ScheduleState state, long now) {
        if (previous != null) {
            unindex(previous);
        }
        schedules.put(state.getScheduleId(), state);
        context.forward(new Record<>(state.getScheduleId(), state, now), PlannerTopology.SCHEDULES_SINK);
        if (onTimeline(state)) {
            timeline.add(firing.dueAt(state), state.getScheduleId());
        }
    }

    private void unindex(ScheduleState state) {
        if (onTimeline(state)) {
            timeline.remove(firing.dueAt(state), state.getScheduleId());
        }
    }

    /** Only active schedules with a fire left are indexed; a paused one keeps its next fire in its state only. */
    private static boolean onTimeline(ScheduleState state) {
        return state.getStatus() == ScheduleStatus.ACTIVE && state.getNextFireAt() != null;
    }

    /**
     * Emits due retries first (they finish fires already emitted), then due fires, within one budget per
     * punctuation: each retry and each schedule handled (fired, or its missed run skipped) costs one, and
     * {@link Firing} bounds the work one schedule takes. The timeline is scanned again while budget is left, since working through a missed run
     * (catch-up) indexes fires that are themselves already due.
     */
    private void emitDueFires() {
        long nowMs = context.currentSystemTimeMs();
        Instant now = Instant.ofEpochMilli(nowMs);
        int budget = settings.maxFiresPerPunctuation();
        for (RetryTimer timer : retries.due(now, budget)) {
            retries.remove(timer);
            budget--;
            ScheduleState state = schedules.get(timer.scheduleId());
            if (state == null || state.getCreatedAt().isAfter(timer.armedAt())) {
                // Deleted, or deleted and created anew under the same id: the fire belonged to the old schedule.
                LOG.debug("Dropping retry {} of deleted schedule {}", timer.timerId(), timer.scheduleId());
                continue;
            }
            // A paused schedule's retries still go out: they finish a fire that was already emitted.
            emit(DueEvents.of(state, timer.fireId(), timer.scheduledFor(), timer.attempt(), timer.manual(), 0, now), nowMs);
        }
        while (budget > 0) {
            List<TimelineKey> due = timeline.due(now, budget);
            if (due.isEmpty()) {
                return;
            }
            for (TimelineKey entry : due) {
                timeline.remove(entry.fireAt(), entry.scheduleId());
                // Every schedule handled counts, whether it fires or skips a missed run: after a long outage most
                // skip, and a punctuation that stepped through all of them would outlive its transaction.
                budget--;
                ScheduleState state = schedules.get(entry.scheduleId());
                if (state == null || !onTimeline(state) || !entry.fireAt().equals(firing.dueAt(state))) {
                    LOG.debug("Skipping stale timeline entry {} at {}", entry.scheduleId(), entry.fireAt());
                    continue;
                }
                Fired fired = firing.fire(state, now);
                if (fired.event().isPresent()) {
                    emit(fired.event().get(), nowMs);
                }
                save(null, fired.state(), nowMs);
            }
        }
    }

    private void emit(DueEvent event, long nowMs) {
        context.forward(new Record<>(DueKeys.of(event.getTarget(), event.getScheduleId()), event, nowMs), PlannerTopology.DUE_SINK);
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
