package io.punctual.planner;

import io.punctual.cadence.NextFireCalculator;
import io.punctual.planner.command.Change;
import io.punctual.planner.command.CommandCommits;
import io.punctual.planner.command.CommandDecoder;
import io.punctual.planner.command.CommandHandler;
import io.punctual.planner.command.SpecGuard;
import io.punctual.planner.command.DeadLetterHeaders;
import io.punctual.planner.command.Decision;
import io.punctual.planner.command.PoisonCommandException;
import io.punctual.planner.fire.DeliverAt;
import io.punctual.planner.fire.ScanCommits;
import io.punctual.planner.fire.DueEvents;
import io.punctual.planner.fire.Fired;
import io.punctual.planner.fire.Firing;
import io.punctual.planner.lifecycle.Completion;
import io.punctual.planner.lifecycle.LifecycleSettings;
import io.punctual.planner.lifecycle.Purges;
import io.punctual.planner.metrics.ScheduleCensus;
import io.punctual.planner.metrics.TaskCensus;
import io.punctual.planner.outcome.Applied;
import io.punctual.planner.outcome.AppliedResults;
import io.punctual.planner.outcome.OutcomeApplier;
import io.punctual.planner.outcome.ResultDecoder;
import io.punctual.planner.quota.AwaitingAdmission;
import io.punctual.planner.quota.HeldCreates;
import io.punctual.planner.quota.LiveCounts;
import io.punctual.planner.quota.QuotaCredits;
import io.punctual.planner.notify.Notifications;
import io.punctual.planner.retry.RetryTimer;
import io.punctual.planner.retry.RetryTimers;
import io.punctual.planner.state.LocalCopySession;
import io.punctual.planner.state.ScheduleReload;
import io.punctual.planner.state.ScheduleStates;
import io.punctual.planner.state.ScheduleStore;
import io.punctual.planner.timeline.Timeline;
import io.punctual.planner.timeline.TimelineKey;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.QuotaEvent;
import io.punctual.schemas.CreateSchedule;
import io.punctual.schemas.ReplaceSchedule;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.EncodedOnce;
import io.punctual.schemas.serde.SchemaRegistryException;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.DueKeys;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The single writer of schedule state. Applies each command, and each execution result, to the schedules store and
 * the timeline, and on a wall-clock punctuation emits the retries and fires that are due and deletes the completed
 * schedules whose retention is over. "Now" is always the task's wall clock. A command that would make a schedule
 * live first asks the tenant's quota (the {@code QuotaProcessor}) and is applied when it comes back admitted, or at
 * once when the quota granted this task places of a busy tenant in advance ({@link QuotaCredits}).
 *
 * <p>Why one class of about 450 lines: it is the task's single writer, the one holder of its stores and its
 * {@code ProcessorContext}. What can stand apart already does ({@link CommandHandler} decides, {@link Firing} fires,
 * {@link OutcomeApplier} applies results, {@link Timeline}, {@link RetryTimers}, {@link Purges} and
 * {@link AppliedResults} wrap the stores); what stays is every step that writes a store or forwards a record. Its
 * once-per-store upgrade and its deletion of completed schedules write through {@link #save} and {@link #remove} and
 * forward through the same context, so moving them out would hand the stores and the context around, not hide them.
 */
final class PlannerProcessor implements Processor<String, byte[], String, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(PlannerProcessor.class);
    /** Meta store key: when this task's stores were brought up to completion dates and quota counts. */
    static final String UPGRADED = "upgraded-for-completion-and-quota";
    /**
     * Commands remembered while they wait for the quota: more than a burst's commands in flight between two commits
     * (a few thousand), and at most a few MB of decoded commands.
     */
    private static final int AWAITING_ADMISSION_CAPACITY = 10_000;
    /** Creates a task holds at once while asks for credit are out: as many as the largest ask ({@link QuotaCredits#MAX_WANTED}). */
    private static final int HELD_CAPACITY = QuotaCredits.MAX_WANTED;

    /** Whether a create that finds no credit while its tenant's ask is out may be held ({@link HeldCreates}). */
    private enum Holding {
        /** A command read now: held behind the tenant's held creates. */
        NEW,
        /** A held create let go by an answer: stays held, and the rest behind it, if it finds no credit again. */
        RELEASED,
        /** A held create let go without a grant: goes to the quota. */
        FLUSHED
    }

    private final PlannerSettings settings;
    private final LifecycleSettings lifecycle;
    private final CommandDecoder decoder;
    private final ResultDecoder resultDecoder;
    private final OutcomeApplier outcomes = new OutcomeApplier();
    private final CommandHandler handler;
    private final Firing firing;
    private final TopicSerdes serdes;

    private ProcessorContext<String, Object> context;
    private final ScheduleReload.Opener schedulesLog;

    private ScheduleStore schedules;
    private KeyValueStore<String, byte[]> scheduleBytes;
    private Timeline timeline;
    private LocalCopySession localCopy;
    /** Whether this task's unlogged stores (schedules, timeline, deletions) were found current, or reloaded, since {@link #init}. */
    private boolean localCopyChecked;
    private RetryTimers retries;
    private AppliedResults appliedResults;
    private Purges purges;
    private KeyValueStore<String, String> meta;
    /** Places of busy tenants' quotas granted to this task in advance: their creates are applied without the quota's hops. */
    private QuotaCredits credits;
    /** A busy tenant's creates waiting for the answer to this task's ask for credit. */
    private HeldCreates held;
    private boolean upgraded;
    /**
     * Count changes of fires that completed schedules in the running punctuation, per tenant, sent as one record per
     * tenant at its end (same transaction): a burst of 10,000 completing fires is one record, not 10,000.
     */
    private final Map<String, Integer> punctuationDeltas = new HashMap<>();
    /** Commands waiting for the quota's admission, so their admitted copies are not decoded and checked again. */
    private final AwaitingAdmission awaitingAdmission = new AwaitingAdmission(AWAITING_ADMISSION_CAPACITY);
    /**
     * Commits asked for by commands a writer may be waiting for, rather than left to the commit interval, and for
     * any other work once per commit interval (Kafka Streams' own interval is longer, see {@link CommandCommits}).
     */
    private final CommandCommits commandCommits;
    /** Records forwarded so far; a punctuation that moved it did work to commit. Stream thread only. */
    private long forwarded;
    /** The instance's schedules by status, and this task's part of them, kept as states change. */
    private final ScheduleCensus scheduleCensus;
    private TaskCensus census;

    /**
     * @param schedulesLog opens punctual.schedules, from which the schedules store is reloaded ({@link ScheduleReload})
     * @param census       the instance's count of schedules by status, which this task keeps its part of
     */
    PlannerProcessor(TopicSerdes serdes, PlannerSettings settings, SpecGuard guard, LifecycleSettings lifecycle,
                     ScheduleReload.Opener schedulesLog, ScheduleCensus census) {
        this.settings = settings;
        this.scheduleCensus = census;
        this.schedulesLog = schedulesLog;
        this.lifecycle = lifecycle;
        this.serdes = serdes;
        this.decoder = new CommandDecoder(serdes.valueSerde(Topics.COMMANDS).deserializer());
        this.resultDecoder = new ResultDecoder(serdes.valueSerde(Topics.RESULTS).deserializer());
        NextFireCalculator nextFire = new NextFireCalculator(settings.onceGrace());
        this.firing = new Firing(nextFire, settings.misfireThreshold());
        this.handler = new CommandHandler(nextFire, firing, guard);
        this.commandCommits = new CommandCommits(settings.commitInterval(), settings.punctuateInterval());
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.scheduleBytes = context.getStateStore(PlannerTopology.SCHEDULES_STORE);
        this.schedules = new ScheduleStore(scheduleBytes, serdes.valueSerde(Topics.SCHEDULES));
        KeyValueStore<Bytes, byte[]> timelineStore = context.getStateStore(PlannerTopology.TIMELINE_STORE);
        this.timeline = new Timeline(timelineStore);
        KeyValueStore<Bytes, byte[]> retryStore = context.getStateStore(PlannerTopology.RETRIES_STORE);
        this.retries = new RetryTimers(retryStore);
        KeyValueStore<String, String> appliedStore = context.getStateStore(PlannerTopology.APPLIED_RESULTS_STORE);
        this.appliedResults = new AppliedResults(appliedStore);
        KeyValueStore<Bytes, byte[]> purgeStore = context.getStateStore(PlannerTopology.PURGES_STORE);
        this.purges = new Purges(purgeStore);
        this.meta = context.getStateStore(PlannerTopology.META_STORE);
        this.localCopy = new LocalCopySession(meta, context.getStateStore(PlannerTopology.LOCAL_META_STORE));
        this.localCopyChecked = false;
        this.credits = new QuotaCredits(context.getStateStore(PlannerTopology.QUOTA_CREDITS_STORE), lifecycle.quotaCredit(),
                lifecycle.quotaCreditIdle().toMillis(), context.currentSystemTimeMs());
        this.held = new HeldCreates(context.getStateStore(PlannerTopology.QUOTA_HELD_STORE), HELD_CAPACITY);
        this.census = scheduleCensus.opened(context.taskId());
        context.schedule(settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, ignored -> punctuate());
    }

    @Override
    public void close() {
        scheduleCensus.closed(context.taskId(), census);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        localCopyOnce();
        upgradeOnce(context.currentSystemTimeMs());
        if (record.value() == null) {
            refusedAsk(record);
            // Tombstones on the commands topic are compaction's business, including the ones this processor writes.
            return;
        }
        // Before a command's own ask, which then carries it: its outputs are written after the ask, in the same commit.
        commandCommits.worked(context.currentSystemTimeMs());
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse(Topics.COMMANDS.name());
        if (Topics.RESULTS.name().equals(topic)) {
            processResult(record);
        } else {
            processCommand(record, Topics.QUOTA_ADMITTED.name().equals(topic));
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
        if (state == null || !appliedResults.rememberIfNew(result)) {
            // A deleted or unknown schedule has nothing left to count; a result seen before was counted then.
            return;
        }
        long now = context.currentSystemTimeMs();
        if (result.getNotification() != null) {
            // A notification's delivery, not one of the schedule's fires: nothing to count, only a retry to arm.
            if (result.getOutcome() == Outcome.RETRYING) {
                outcomes.apply(state, result, Instant.ofEpochMilli(now)).retry().ifPresent(retries::add);
            }
            return;
        }
        Applied applied = outcomes.apply(state, result, Instant.ofEpochMilli(now));
        applied.retry().ifPresent(retries::add);
        ScheduleState after = state;
        if (applied.state() != null) {
            after = save(state, applied.state(), now).state();
        }
        for (DueEvent notification : Notifications.after(result, state, after, Instant.ofEpochMilli(now))) {
            emit(notification, now);
        }
        if (settled(after, result) && !Completion.deleteAt(after, lifecycle.completedRetention()).isAfter(Instant.ofEpochMilli(now))) {
            // The last fire's final result: nothing can retry it any more, so a deletion that only waited for it goes now.
            remove(after.getScheduleId(), after, now);
        }
    }

    /** True when {@code result} finishes the last fire of a completed schedule (no retry of it can follow). */
    private static boolean settled(ScheduleState state, ExecutionResult result) {
        return state.getStatus() == ScheduleStatus.COMPLETED && state.getCompletedAt() != null
                && result.getFireId().equals(state.getLastFireId()) && result.getOutcome() != Outcome.RETRYING
                // A delivery whose run is followed is settled by the run's end, which may still retry it.
                && !result.getRunFollowed();
    }

    /** @param admitted the command comes back from the quota, which counted it already */
    private void processCommand(Record<String, byte[]> record, boolean admitted) {
        ScheduleCommand command = admitted ? awaitingAdmission.admitted(record.key(), record.value()) : null;
        // The spec of a command remembered when it went to the quota passed the guard then (see AwaitingAdmission).
        ScheduleSpec checked = command == null ? null : specOf(command);
        try {
            if (command == null) {
                command = decoder.decode(record.key(), record.value());
            }
        } catch (PoisonCommandException e) {
            deadLetter(record, e.getMessage());
            return;
        }
        long now = context.currentSystemTimeMs();
        if (admitted) {
            // A credit granted with the admission is the tenant's, whatever becomes of this command.
            credits.received(command.getTenant(), record.headers(), now);
        }
        applyCommand(record, command, checked, admitted, Holding.NEW);
        if (admitted) {
            // Behind the admitted create: the tenant's creates held while its ask was out, from the credit it brought.
            release(command.getTenant(), Holding.RELEASED);
        }
    }

    /**
     * The quota refused the create that asked for credit and answered the ask (a record without a value on
     * punctual.quota.admitted, see {@link QuotaCredits#REFUSED_ANSWER}): the tenant's held creates go to the quota.
     */
    private void refusedAsk(Record<String, byte[]> record) {
        Header tenantHeader = record.headers().lastHeader(QuotaCredits.REFUSED_ANSWER);
        boolean admittedTopic = context.recordMetadata().map(m -> Topics.QUOTA_ADMITTED.name().equals(m.topic())).orElse(false);
        if (!admittedTopic || tenantHeader == null || tenantHeader.value() == null) {
            return;
        }
        String tenant = new String(tenantHeader.value(), StandardCharsets.UTF_8);
        credits.received(tenant, record.headers(), context.currentSystemTimeMs());
        release(tenant, Holding.FLUSHED);
    }

    /**
     * Lets the tenant's held creates go, oldest first: applied from a credit, or sent to the quota. {@code RELEASED}
     * stops at the first that is to be held again (no credit left, and the task's next ask is out).
     */
    private void release(String tenant, Holding holding) {
        HeldCreates.Held next;
        while ((next = held.first(tenant)) != null) {
            ScheduleCommand command = next.command();
            Record<String, byte[]> record = new Record<>(next.key(), next.bytes(), next.timestamp());
            if (command == null) {
                // Held before the task restarted: decoded and checked again.
                try {
                    command = decoder.decode(next.key(), next.bytes());
                } catch (PoisonCommandException e) {
                    held.release(tenant);
                    deadLetter(record, e.getMessage());
                    continue;
                }
            }
            // A command held with its decoded form passed the guard when it was read (see applyCommand).
            ScheduleSpec checked = next.command() == null ? null : specOf(command);
            if (!applyCommand(record, command, checked, false, holding)) {
                return;
            }
            held.release(tenant);
        }
    }

    /**
     * Applies one decoded command, or sends it to the quota, or holds it (see {@link Holding}).
     *
     * @param checked the command's spec when it passed the guard before, else null
     * @param admitted the command comes back from the quota, which counted it already
     * @return false when the command is held: a new one added to the tenant's held creates, a released one left there
     */
    private boolean applyCommand(Record<String, byte[]> record, ScheduleCommand command, ScheduleSpec checked, boolean admitted, Holding holding) {
        long now = context.currentSystemTimeMs();
        if (commandCommits.handled(record.timestamp(), now)) {
            // Its writer waits for its result (and the quota for its request): not until the next commit interval.
            context.commit();
        }
        Decision decision;
        try {
            decision = handler.handle(command, schedules.get(command.getScheduleId()), Instant.ofEpochMilli(now), checked);
        } catch (RuntimeException e) {
            if (SchemaRegistryException.isUnavailable(e)) {
                // Reading the schedule's state needed the registry, which is down: the command is fine. Failing the
                // task makes Kafka Streams read it again once the thread is replaced (PlannerService backs off).
                throw e;
            }
            // Nothing has been written yet, so setting the record aside leaves no half-applied command behind.
            LOG.error("Command {} for schedule {} could not be handled", command.getCommandId(), command.getScheduleId(), e);
            deadLetter(record, "unprocessable: " + e);
            return true;
        }
        decision = stamped(decision, now);
        boolean revives = decision.change() instanceof Change.Upsert upsert && LiveCounts.revives(upsert.previous(), upsert.state());
        // Whether the quota counted this command's place already: admitted by it, or taken from a credit it granted.
        boolean placed = admitted;
        if (revives && !admitted && lifecycle.maxSchedulesPerTenant() > 0) {
            boolean mayHold = holding == Holding.RELEASED || holding == Holding.NEW && lifecycle.quotaHold() && held.hasRoom();
            // A flushed create asks for nothing: whatever the answers bring, it goes on its own (see QuotaCredits.place).
            QuotaCredits.Placement placement = credits.place(command.getTenant(), now, mayHold, holding != Holding.FLUSHED);
            if (placement.outcome() == QuotaCredits.Outcome.HELD) {
                // Nothing is written but the held create: the answer to the tenant's ask lets it go (release).
                if (holding == Holding.NEW) {
                    held.hold(command.getTenant(), record.key(), record.timestamp(), record.value(), command);
                }
                return false;
            }
            if (placement.outcome() == QuotaCredits.Outcome.REQUEST) {
                // Nothing is written: the tenant's quota task admits it (back on punctual.quota.admitted) or answers it.
                // Stamped with the command's own time, not now: the quota hop stays as fresh as the command
                // (CommandCommits), so a backlog's admissions are not taken for writes someone waits for.
                forwardQuota(LiveCounts.request(command, record.value()), commandCommits.hopTimestamp(record.timestamp(), now), placement.request());
                awaitingAdmission.sent(command.getScheduleId(), record.value(), command);
                return true;
            }
            placed = true;
        }
        Saved saved = apply(command.getScheduleId(), decision.change(), now);
        if (admitted && !revives) {
            // Refused or changed meanwhile: the place the admission took is not used.
            forwardQuota(LiveCounts.release(command), now);
        }
        if (!placed || !revives) {
            count(decision.change(), now);
        }
        for (DueEvent fire : decision.fires()) {
            emit(fire, now);
        }
        // The result carries the state just saved: written as the bytes the store got, not encoded a second time.
        try (EncodedOnce ignored = saved == null ? EncodedOnce.reuse(null, null) : EncodedOnce.reuse(saved.state(), saved.encoded())) {
            forward(new Record<>(command.getScheduleId(), decision.result(), now), PlannerTopology.COMMAND_RESULTS_SINK);
        }
        return true;
    }

    /** @return what was saved, null for a removal or no change */
    private Saved apply(String scheduleId, Change change, long now) {
        if (change instanceof Change.Upsert upsert) {
            return save(upsert.previous(), upsert.state(), now);
        }
        if (change instanceof Change.Removal removal) {
            remove(scheduleId, removal.previous(), now);
        }
        return null;
    }

    /** A state as stored, and its encoding (the store's and punctual.schedules' bytes). */
    private record Saved(ScheduleState state, byte[] encoded) {
    }

    /** The spec a create or replace carries (the ones the guard checks whole), null for other actions. */
    private static ScheduleSpec specOf(ScheduleCommand command) {
        return command.getAction() instanceof CreateSchedule create ? create.getSpec()
                : command.getAction() instanceof ReplaceSchedule replace ? replace.getSpec() : null;
    }

    /** Tells the tenant's quota task how the change moved its count of live schedules, if it did. */
    private void count(Change change, long now) {
        Optional<QuotaEvent> event = change instanceof Change.Upsert upsert ? LiveCounts.change(upsert.previous(), upsert.state())
                : change instanceof Change.Removal removal ? LiveCounts.change(removal.previous(), null)
                : Optional.empty();
        event.ifPresent(e -> forwardQuota(e, now));
    }

    private void forwardQuota(QuotaEvent event, long timestamp) {
        forwardQuota(event, timestamp, new RecordHeaders());
    }

    private void forwardQuota(QuotaEvent event, long timestamp, Headers headers) {
        forward(new Record<>(event.getTenant(), event, timestamp, headers), PlannerTopology.QUOTA_SINK);
    }

    /** The decision with its state's {@code completed_at} set (or cleared) as its status says, in the store and the answer. */
    private static Decision stamped(Decision decision, long now) {
        if (!(decision.change() instanceof Change.Upsert upsert)) {
            return decision;
        }
        ScheduleState state = Completion.stamped(upsert.state(), Instant.ofEpochMilli(now));
        if (state == upsert.state()) {
            return decision;
        }
        CommandResult result = CommandResult.newBuilder(decision.result()).setState(state).build();
        return new Decision(result, new Change.Upsert(upsert.previous(), state), decision.fires());
    }

    /**
     * Deletes the schedule: its state (a tombstone on punctual.schedules), its timeline entry and applied results,
     * and the last command of its id on the compacted punctual.commands (a tombstone), so a planner that reads
     * the commands from the start again (offsets reset or expired) does not create it anew. Retry timers and
     * deletion entries of the schedule are dropped when they come due, as they find no state.
     */
    private void remove(String scheduleId, ScheduleState previous, long now) {
        unindex(previous);
        schedules.delete(scheduleId);
        census.changed(scheduleId, previous.getStatus(), null);
        appliedResults.forget(scheduleId);
        forward(new Record<>(scheduleId, null, now), PlannerTopology.SCHEDULES_SINK);
        forward(new Record<>(scheduleId, null, now), PlannerTopology.COMMANDS_SINK);
    }

    /**
     * Stores the state, publishes it and moves its timeline entry from where {@code previous} had it; a state that
     * just completed gets its {@code completed_at} and its deletion indexed. Returns the state as stored, with its encoding.
     */
    private Saved save(ScheduleState previous, ScheduleState given, long now) {
        ScheduleState state = Completion.stamped(given, Instant.ofEpochMilli(now));
        if (previous != null) {
            unindex(previous);
        }
        // Encoded once: the store and punctual.schedules, its log, get the same bytes.
        byte[] encoded = schedules.put(state);
        census.changed(state.getScheduleId(), previous == null ? null : previous.getStatus(), state.getStatus());
        forward(new Record<>(state.getScheduleId(), encoded, now), PlannerTopology.SCHEDULES_SINK);
        index(state);
        if (state.getCompletedAt() != null) {
            Instant deleteAt = Completion.deleteAt(state, lifecycle.completedRetention());
            boolean known = previous != null && state.getCompletedAt().equals(previous.getCompletedAt())
                    && deleteAt.equals(Completion.deleteAt(previous, lifecycle.completedRetention()));
            if (!known) {
                // Just completed, or delete_after_completion changed: an entry for the new date (an older one is skipped).
                purges.add(deleteAt, state.getScheduleId(), state.getCompletedAt());
            }
        }
        return new Saved(state, encoded);
    }

    /** Puts the state's next fire on the timeline if it has one to be there; true when it did. */
    private boolean index(ScheduleState state) {
        if (!onTimeline(state)) {
            return false;
        }
        timeline.add(firing.dueAt(state), state.getScheduleId());
        return true;
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
    private void punctuate() {
        long nowMs = context.currentSystemTimeMs();
        Instant now = Instant.ofEpochMilli(nowMs);
        long forwardedBefore = forwarded;
        localCopyOnce();
        upgradeOnce(nowMs);
        if (!census.known()) {
            census.scan(scheduleBytes, TaskCensus.SLICE);
        }
        long freshestDueMs = emitDueFires(now, nowMs);
        if (forwarded != forwardedBefore) {
            commandCommits.worked(nowMs);
        }
        if (ScanCommits.shouldAsk(freshestDueMs, nowMs, settings.commitInterval())) {
            // They are due: the executor sees them once this transaction commits, so not at the next commit interval.
            commandCommits.asked(nowMs);
            context.commit();
        } else if (commandCommits.takePending(nowMs)) {
            context.commit();
        }
        long forwardedByScan = forwarded;
        deleteCompleted(now, nowMs);
        for (String tenant : held.tenants()) {
            if (!credits.awaitingGrant(tenant, nowMs)) {
                // No answer within the idle time (or the task restarted meanwhile): to the quota one by one, as before.
                release(tenant, Holding.FLUSHED);
            }
        }
        for (Map.Entry<String, Long> unused : credits.idle(nowMs)) {
            punctuationDeltas.merge(unused.getKey(), -Math.toIntExact(unused.getValue()), Integer::sum);
        }
        punctuationDeltas.forEach((tenant, delta) -> {
            if (delta != 0) {
                forwardQuota(LiveCounts.delta(tenant, delta), nowMs);
            }
        });
        punctuationDeltas.clear();
        if (forwarded != forwardedByScan) {
            // After this punctuation's ask: a later punctuation asks for it, within a commit interval.
            commandCommits.worked(nowMs);
        }
    }

    /** Every output goes through here, counted, so that a punctuation knows whether it wrote anything to commit. */
    private <V> void forward(Record<String, V> record, String sink) {
        forwarded++;
        context.forward(record, sink);
    }

    /**
     * Before this task changes anything: the schedules store, the timeline and the deletions have no changelog, so
     * unless {@link LocalCopySession} finds this instance's copy current, the schedules are reloaded from the task's
     * partition of punctual.schedules and both indexes rebuilt from them (every active schedule with a fire left at
     * its due time, every completed one at its deletion date), and a new session begins. After a crash or a move
     * that is one read of the partition, where Kafka Streams would have restored three changelogs.
     */
    private void localCopyOnce() {
        if (localCopyChecked) {
            return;
        }
        if (!localCopy.current()) {
            census.reset();
            long started = System.nanoTime();
            long cleared = LocalCopySession.clear(scheduleBytes) + timeline.clear() + purges.clear();
            long read = ScheduleReload.reload(schedulesLog, context.appConfigs(), context.taskId().partition(), scheduleBytes);
            long reloaded = System.nanoTime();
            long fires = 0;
            long deletions = 0;
            try (var it = schedules.all()) {
                while (it.hasNext()) {
                    ScheduleState state = it.next().value;
                    census.counted(state.getStatus());
                    if (index(state)) {
                        fires++;
                    }
                    if (state.getStatus() == ScheduleStatus.COMPLETED && state.getCompletedAt() != null) {
                        purges.add(Completion.deleteAt(state, lifecycle.completedRetention()), state.getScheduleId(), state.getCompletedAt());
                        deletions++;
                    }
                }
            }
            census.done();
            localCopy.begin();
            if (read + cleared > 0) {
                LOG.info("Task {} reloaded {} records of {} in {} ms and rebuilt its indexes in {} ms: {} fires, {} deletions ({} stale local entries removed)",
                        context.taskId(), read, Topics.SCHEDULES.name(), (reloaded - started) / 1_000_000, (System.nanoTime() - reloaded) / 1_000_000,
                        fires, deletions, cleared);
            }
        }
        localCopyChecked = true;
    }

    /**
     * Once per store, before anything else is applied: schedules stored before completion and the quota existed get
     * their place in them. The live ones are counted for their tenants, the completed ones get {@code completed_at}
     * (now) and a deletion date. A new store has nothing to scan; an upgraded one is scanned once (its marker is in
     * the changelogged meta store).
     */
    private void upgradeOnce(long nowMs) {
        if (upgraded) {
            return;
        }
        if (meta.get(UPGRADED) == null) {
            Map<String, Integer> live = new HashMap<>();
            List<ScheduleState> unstamped = new ArrayList<>();
            try (var it = schedules.all()) {
                while (it.hasNext()) {
                    ScheduleState state = it.next().value;
                    if (Completion.live(state)) {
                        live.merge(state.getSpec().getTenant(), 1, Integer::sum);
                    } else if (state.getStatus() == ScheduleStatus.COMPLETED && state.getCompletedAt() == null) {
                        unstamped.add(state);
                    }
                }
            }
            live.forEach((tenant, count) -> forwardQuota(LiveCounts.delta(tenant, count), nowMs));
            unstamped.forEach(state -> save(state, state, nowMs));
            if (live.isEmpty() && unstamped.isEmpty()) {
                // A new task (every task of a first start): nothing to upgrade, nothing worth a line per task at INFO.
                LOG.debug("Planner store of task {} had nothing to upgrade", context.taskId());
            } else {
                LOG.info("Planner store of task {} upgraded: {} tenants' live schedules counted, {} completed schedules dated",
                        context.taskId(), live.size(), unstamped.size());
            }
            meta.put(UPGRADED, Instant.ofEpochMilli(nowMs).toString());
        }
        upgraded = true;
    }

    /**
     * Fires and retries are emitted up to the fire lead before they are due, each with its time as
     * {@code deliver_at}, and the executor holds them until then: a fire then reaches its endpoint on time instead of
     * up to a scan interval plus a commit interval late. The schedule moves on when its fire is emitted.
     *
     * @return the latest due time among the fires and retries emitted, {@code Long.MIN_VALUE} when none
     */
    private long emitDueFires(Instant now, long nowMs) {
        long freshestDueMs = Long.MIN_VALUE;
        int budget = settings.maxFiresPerPunctuation();
        Instant horizon = now.plus(settings.fireLead());
        for (RetryTimer timer : retries.due(horizon, budget)) {
            retries.remove(timer);
            budget--;
            ScheduleState state = schedules.get(timer.scheduleId());
            if (state == null || state.getCreatedAt().isAfter(timer.armedAt())) {
                // Deleted, or deleted and created anew under the same id: the fire belonged to the old schedule.
                LOG.debug("Dropping retry {} of deleted schedule {}", timer.timerId(), timer.scheduleId());
                continue;
            }
            if (timer.notification() != null) {
                Notifications.retry(state, timer, now).ifPresent(notification -> emit(notification, nowMs));
                continue;
            }
            // A paused schedule's retries still go out: they finish a fire that was already emitted.
            emit(DeliverAt.ahead(DueEvents.of(state, timer.fireId(), timer.scheduledFor(), timer.attempt(), timer.manual(), 0, now), timer.fireAt(), now), nowMs);
            freshestDueMs = Math.max(freshestDueMs, timer.fireAt().toEpochMilli());
        }
        while (budget > 0) {
            List<TimelineKey> due = timeline.due(horizon, budget);
            if (due.isEmpty()) {
                break;
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
                    emit(DeliverAt.ahead(fired.event().get(), entry.fireAt(), now), nowMs);
                    freshestDueMs = Math.max(freshestDueMs, entry.fireAt().toEpochMilli());
                }
                // The timeline entry is gone already; the completion stamp compares with the state before the fire.
                ScheduleState after = save(withoutTimeline(state), fired.state(), nowMs).state();
                LiveCounts.change(state, after).ifPresent(e -> punctuationDeltas.merge(e.getTenant(), e.getDelta(), Integer::sum));
            }
        }
        return freshestDueMs;
    }

    /** The state as {@link #save} should see it when its timeline entry was removed already: not on the timeline. */
    private static ScheduleState withoutTimeline(ScheduleState state) {
        ScheduleState copy = ScheduleStates.copy(state);
        copy.setNextFireAt(null);
        return copy;
    }

    /**
     * Deletes the completed schedules whose deletion is due, within a budget of its own per punctuation. A deletion
     * waits while the schedule's last fire may still be retried (a retry needs the schedule), unless that fire's
     * final result arrived ({@link #processResult} deletes then).
     */
    private void deleteCompleted(Instant now, long nowMs) {
        for (Purges.Due entry : purges.due(now, settings.maxFiresPerPunctuation())) {
            purges.remove(entry);
            ScheduleState state = schedules.get(entry.scheduleId());
            // An entry of an earlier completion, or of an earlier, sooner date (delete_after_completion since turned off), is stale.
            if (state == null || state.getStatus() != ScheduleStatus.COMPLETED || !entry.completedAt().equals(state.getCompletedAt())
                    || entry.deleteAt().isBefore(Completion.deleteAt(state, lifecycle.completedRetention()))) {
                LOG.debug("Skipping stale deletion of {} at {}", entry.scheduleId(), entry.deleteAt());
                continue;
            }
            Instant settlesBy = Completion.lastFireSettlesBy(state);
            if (settlesBy != null && settlesBy.isAfter(now)) {
                purges.add(settlesBy, entry.scheduleId(), entry.completedAt());
                continue;
            }
            remove(entry.scheduleId(), state, nowMs);
        }
    }

    private void emit(DueEvent event, long nowMs) {
        forward(new Record<>(DueKeys.of(event.getTarget(), event.getScheduleId()), event, nowMs), PlannerTopology.DUE_SINK);
    }

    private void deadLetter(Record<String, byte[]> record, String reason) {
        Optional<RecordMetadata> source = context.recordMetadata();
        String topic = source.map(RecordMetadata::topic).orElse(Topics.COMMANDS.name());
        int partition = source.map(RecordMetadata::partition).orElse(-1);
        long offset = source.map(RecordMetadata::offset).orElse(-1L);
        LOG.warn("Command record at {}-{}@{} set aside: {}", topic, partition, offset, reason);
        forward(new Record<String, Object>(record.key(), record.value(), context.currentSystemTimeMs(),
                DeadLetterHeaders.of(record.headers(), reason, topic, partition, offset)), PlannerTopology.COMMANDS_DLQ_SINK);
    }
}
