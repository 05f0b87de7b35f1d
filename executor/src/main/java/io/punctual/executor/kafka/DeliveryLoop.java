package io.punctual.executor.kafka;

import io.punctual.executor.delivery.ExecutionResults;
import io.punctual.executor.runs.AgentGate;
import io.punctual.executor.delivery.FinishedFires;
import io.punctual.executor.delivery.FireDispatcher;
import io.punctual.schemas.DueEvent;
import io.punctual.executor.metrics.ExecutorMeters;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The executor's consume-deliver-produce loop, on one thread: poll a batch of due fires, deliver them all,
 * then write one result per fire and the batch's offsets in one Kafka transaction. A batch that cannot be
 * committed is consumed again, so a fire may be delivered twice (with the same idempotency key) but never lost.
 *
 * <p>The transaction is opened only once every delivery has finished, so it stays short whatever Letta does;
 * while deliveries run, the consumer is paused and keeps polling so that it stays in its group.
 */
public final class DeliveryLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** While runs are followed or fires wait for them: how soon a run's end is acted on when no due event comes. */
    private static final Duration POLL_TIMEOUT_WHILE_WAITING = Duration.ofMillis(100);
    /** How often a waiting loop polls its paused consumer: group liveness, rebalances and stop requests. */
    private static final Duration LIVENESS_INTERVAL = Duration.ofMillis(250);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private final ExecutorKafkaClients clients;
    private final DueRecordDecoder decoder;
    private final FireDispatcher dispatcher;
    private final ResultRecords results;
    private final Duration shutdownGrace;
    private final Duration revocationWait;
    private final FinishedFires finishedFires;
    private final Duration restoreWindow;
    private final UserTopicCheck userTopics;
    private boolean restored;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Backoff backoff = new Backoff(stopRequested);

    private volatile Consumer<byte[], byte[]> consumer;
    private volatile long stopDeadlineNanos;
    private volatile boolean healthy;
    private Producer<byte[], byte[]> producer;
    private boolean transactionOpen;
    /** FAILED results replacing delivered Kafka-target fires whose record a user's topic refused at commit (this batch). */
    private final Map<InFlightBatch.Entry, ExecutionResult> refusedAtCommit = new IdentityHashMap<>();
    private boolean replaceConsumer;
    // Touched by the loop thread only: rebalance callbacks run inside its poll calls.
    private InFlightBatch inFlight;
    /** One run per agent (null: fires go as soon as the previous request to their agent returned). */
    private final AgentGate gate;
    private final AgentRunRecords agentRuns;
    private final DeletedSchedules deleted;
    /** Waiting fires let go and being delivered; their results are committed without offsets. */
    private final List<Released> released = new ArrayList<>();
    /** Ends of followed runs drained from the gate and not yet committed. */
    private final List<AgentGate.Ended> pendingEnds = new ArrayList<>();

    private record Released(AgentGate.Release release, CompletableFuture<ExecutionResult> result) {
    }

    /** What a transaction carries besides a batch: released fires' results, run ends, agents' states. */
    private record Side(List<Released> released, List<AgentGate.Ended> ends, List<AgentGate.State> states) {
        static final Side NONE = new Side(List.of(), List.of(), List.of());

        boolean isEmpty() {
            return released.isEmpty() && ends.isEmpty() && states.isEmpty();
        }
    }

    /**
     * @param shutdownGrace  how long a stop waits for the deliveries in flight before leaving them to the
     *                       partitions' next owner
     * @param revocationWait how long a rebalance that takes partitions away waits for their fires in delivery
     */
    public DeliveryLoop(ExecutorKafkaClients clients, DueRecordDecoder decoder, FireDispatcher dispatcher,
                        ResultRecords results, Duration shutdownGrace, Duration revocationWait, FinishedFires finished, Duration restoreWindow,
                        UserTopicCheck userTopics) {
        this(clients, decoder, dispatcher, results, shutdownGrace, revocationWait, finished, restoreWindow, null, null, null, userTopics);
    }

    /**
     * @param gate       one run per agent; with {@code agentRuns}, where its state is kept (both null: no gate)
     * @param deleted    schedules deleted lately, whose fires emitted before are not delivered (null: none known)
     * @param userTopics asks again whether a Kafka target's topic takes its record, after a commit failed with none refused
     */
    public DeliveryLoop(ExecutorKafkaClients clients, DueRecordDecoder decoder, FireDispatcher dispatcher,
                        ResultRecords results, Duration shutdownGrace, Duration revocationWait, FinishedFires finished, Duration restoreWindow,
                        AgentGate gate, AgentRunRecords agentRuns, DeletedSchedules deleted, UserTopicCheck userTopics) {
        this.deleted = deleted;
        this.gate = gate;
        this.agentRuns = agentRuns;
        this.clients = clients;
        this.decoder = decoder;
        this.dispatcher = dispatcher;
        this.results = results;
        this.shutdownGrace = shutdownGrace;
        this.revocationWait = revocationWait;
        this.finishedFires = finished;
        this.restoreWindow = restoreWindow;
        this.userTopics = userTopics;
    }

    @Override
    public void run() {
        try {
            while (!isStopRequested()) {
                try {
                    ensureClients();
                    pollAndDeliver();
                    healthy = true;
                    backoff.reset();
                } catch (WakeupException e) {
                    // stop() woke the consumer up; the loop condition ends the loop.
                } catch (RuntimeException e) {
                    if (isStopRequested()) {
                        break;
                    }
                    healthy = false;
                    LOG.warn("Delivery loop failed, retrying: {}", e.toString(), e);
                    recover(e);
                    backoff.pause();
                }
            }
        } finally {
            healthy = false;
            finishInFlightOnStop();
            closeClients();
            finished.countDown();
        }
    }

    /** Asks the loop to stop; {@link #awaitStopped(Duration)} waits for it. Callable from any thread. */
    public void stop() {
        stopDeadlineNanos = System.nanoTime() + shutdownGrace.toNanos();
        stopRequested.countDown();
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** True once the loop has its clients and while its last round of poll, deliver and commit succeeded. */
    public boolean isHealthy() {
        return healthy;
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private boolean isStopRequested() {
        return stopRequested.getCount() == 0;
    }

    private void ensureClients() {
        if (!restored) {
            results.registerSchema();
            if (agentRuns != null) {
                agentRuns.registerSchema();
            }
            FinishedFiresRestore.restore(clients, Topics.RESULTS.name(), results, finishedFires, restoreWindow, Clock.systemUTC());
            restored = true;
        }
        ensureProducer();
        if (replaceConsumer) {
            replaceConsumer = false;
            closeConsumer();
        }
        if (consumer == null) {
            Consumer<byte[], byte[]> c = clients.consumer();
            c.subscribe(List.of(Topics.DUE.name()), new Rebalance());
            consumer = c;
            if (isStopRequested()) {
                c.wakeup(); // stop() may have looked for a consumer just before this one existed
            }
        }
    }

    private void ensureProducer() {
        if (producer == null) {
            results.registerSchema();
            Producer<byte[], byte[]> p = clients.producer();
            try {
                p.initTransactions();
            } catch (RuntimeException e) {
                p.close(Duration.ZERO);
                throw e;
            }
            producer = p;
        }
    }

    private void pollAndDeliver() {
        if (gate != null) {
            // Ends first: a fire whose agent's run just ended goes as a plain delivery, not as an overlap.
            pendingEnds.addAll(gate.drainEnded());
            releaseWaiting();
            commitSide();
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(gate != null && gate.isWaiting() ? POLL_TIMEOUT_WHILE_WAITING : POLL_TIMEOUT);
        if (records.isEmpty()) {
            return;
        }
        InFlightBatch batch = start(records);
        inFlight = batch;
        refusedAtCommit.clear();
        consumer.pause(consumer.assignment());
        try {
            awaitDeliveries(batch);
            if (inFlight == batch) {
                commit(batch);
            }
        } finally {
            // Only partitions still assigned: a rebalance during the batch may have taken paused ones away.
            Set<TopicPartition> paused = new HashSet<>(consumer.paused());
            paused.retainAll(consumer.assignment());
            consumer.resume(paused);
        }
    }

    private InFlightBatch start(ConsumerRecords<byte[], byte[]> records) {
        List<InFlightBatch.Entry> entries = new ArrayList<>(records.count());
        List<DecodedRecord> decoded = new ArrayList<>(records.count());
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                decoded.add(decoder.decode(record));
            }
        } catch (RuntimeException e) {
            // Nothing was delivered yet: read the whole batch again after the pause.
            rewind(InFlightBatch.firstOffsets(records));
            throw e;
        }
        Set<String> inBatch = new HashSet<>();
        for (DecodedRecord record : decoded) {
            if (record instanceof DecodedRecord.Fire fire) {
                DueEvent event = fire.event();
                if (finishedFires.isFinished(event) || !inBatch.add(event.getFireId() + "#" + event.getAttempt())) {
                    // Its outcome is committed already (or is about to be, in this batch): no second delivery, no second result.
                    LOG.info("Fire {} attempt {} seen again after its result; not delivered again", event.getFireId(), event.getAttempt());
                    entries.add(new InFlightBatch.Entry(record.record(), event, null, null));
                } else if (isDeleted(event)) {
                    entries.add(new InFlightBatch.Entry(record.record(), event, null, null));
                } else {
                    entries.add(new InFlightBatch.Entry(record.record(), event, admitAndDeliver(event, record.record().partition()), null));
                }
            } else if (record instanceof DecodedRecord.Poison poison) {
                ConsumerRecord<byte[], byte[]> r = poison.record();
                LOG.warn("Dead-lettering {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), poison.reason());
                entries.add(new InFlightBatch.Entry(r, null, null, DeadLetters.of(r, poison.reason())));
            }
        }
        return new InFlightBatch(records, consumer::position, entries);
    }

    /**
     * Delivers the fire unless its agent has a run working: then it waits in the agent's state (null: no result
     * now, its record is settled at once and its partition goes on) or, with overlap SKIP, is skipped.
     */
    private CompletableFuture<ExecutionResult> admitAndDeliver(DueEvent event, int partition) {
        if (gate == null) {
            return dispatcher.deliver(event);
        }
        switch (gate.admit(event, partition)) {
            case DISPATCH -> {
                // The gate learns of the run before the result counts as settled, so both are committed together.
                return dispatcher.deliver(event).thenApply(result -> {
                    gate.delivered(event, partition, result, false);
                    return result;
                });
            }
            case SKIP -> {
                Instant now = Instant.now();
                String run = gate.workingRun(event);
                return CompletableFuture.completedFuture(ExecutionResult.newBuilder(ExecutionResults.skippedOverlap(event, now, now, run, "working"))
                        .setDetail("agent " + AgentGate.agentOf(event) + " has a run still working" + (run == null ? "" : " (" + run + ")"))
                        .build());
            }
            case PARK -> {
                LOG.debug("Fire {} waits for the runs of agent {}", event.getFireId(), AgentGate.agentOf(event));
                return null;
            }
            default -> {
                LOG.info("Fire {} attempt {} is waiting or followed already; not delivered again", event.getFireId(), event.getAttempt());
                return null;
            }
        }
    }

    /** A fire emitted before its schedule was deleted: not delivered, no result (the planner forgot the schedule). */
    private boolean isDeleted(DueEvent fire) {
        if (deleted == null || !deleted.isDeleted(fire)) {
            return false;
        }
        LOG.info("Fire {} not delivered: schedule {} was deleted after it was emitted", fire.getFireId(), fire.getScheduleId());
        return true;
    }

    /** Lets go the waiting fires whose agent is free (or that waited the longest wait allowed). */
    private void releaseWaiting() {
        for (AgentGate.Release release : gate.releasable()) {
            DueEvent fire = release.fire();
            if (finishedFires.isFinished(fire) || isDeleted(fire)) {
                gate.releaseDropped(fire, release.partition());
                continue;
            }
            if (release.overlapped()) {
                LOG.info("Fire {} waited the longest wait allowed for agent {}; delivered while an earlier run works", fire.getFireId(), AgentGate.agentOf(fire));
            }
            CompletableFuture<ExecutionResult> result = dispatcher.deliver(fire).thenApply(r -> {
                ExecutionResult out = release.overlapped() ? ExecutionResult.newBuilder(r).setOverlapped(true).build() : r;
                gate.delivered(fire, release.partition(), out, release.overlapped());
                return out;
            });
            released.add(new Released(release, result));
        }
    }

    /** What the next transaction carries besides a batch. */
    private Side side() {
        if (gate == null) {
            return Side.NONE;
        }
        pendingEnds.addAll(gate.drainEnded());
        List<Released> done = released.stream().filter(r -> r.result().isDone()).toList();
        done.forEach(r -> gate.released(r.release().fire(), r.release().partition()));
        return new Side(done, List.copyOf(pendingEnds), gate.dirty());
    }

    /** Adds the side's records to a transaction's; its delivery results to {@code outcomes}, its run ends to {@code ends}. */
    private void addSide(Side side, List<ProducerRecord<byte[], byte[]>> out, List<ExecutionResult> outcomes, List<ExecutionResult> ends) {
        for (Released r : side.released()) {
            ExecutionResult result = r.result().join();
            outcomes.add(result);
            out.add(results.of(result));
            if (result.getOutcome() == Outcome.FAILED) {
                out.add(DeadLetters.ofFailure(agentRuns.asDueRecord(r.release().fire(), r.release().partition()), result));
            }
        }
        for (AgentGate.Ended end : side.ends()) {
            ends.add(end.result());
            out.add(results.of(end.result()));
        }
        side.states().forEach(state -> out.add(agentRuns.of(state)));
    }

    private void sideCommitted(Side side, List<ExecutionResult> outcomes, List<ExecutionResult> ends) {
        if (side.isEmpty()) {
            return;
        }
        released.removeAll(side.released());
        pendingEnds.removeAll(side.ends());
        gate.written(side.states());
        ends.forEach(finishedFires::record);
        ExecutorMeters.global().runsEnded(ends);
    }

    /** Commits what waits besides a batch (no batch in flight, no offsets): released fires' results, run ends, states. */
    private void commitSide() {
        Side side = side();
        if (side.isEmpty()) {
            return;
        }
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        List<ExecutionResult> outcomes = new ArrayList<>();
        List<ExecutionResult> ends = new ArrayList<>();
        addSide(side, out, outcomes, ends);
        try {
            producer.beginTransaction();
            transactionOpen = true;
            out.forEach(producer::send);
            producer.commitTransaction();
            transactionOpen = false;
        } catch (KafkaException e) {
            abortTransaction(e);
            throw e;
        }
        sideCommitted(side, outcomes, ends);
        outcomes.forEach(finishedFires::record);
        ExecutorMeters.global().committed(outcomes, out);
    }

    /** Waits, until the deadline, for the released fires of these partitions (null: all) to have their results. */
    private void awaitReleased(Set<Integer> partitions, long deadlineNanos) {
        for (Released r : List.copyOf(released)) {
            if (partitions != null && !partitions.contains(r.release().partition())) {
                continue;
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            try {
                r.result().get(remaining, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Gives up the agents of partitions no longer owned, and what was pending for them. */
    private void giveUpAgents(Collection<TopicPartition> partitions) {
        if (gate == null) {
            return;
        }
        Set<Integer> numbers = dueNumbers(partitions);
        gate.giveUp(numbers);
        released.removeIf(r -> numbers.contains(r.release().partition()));
        pendingEnds.removeIf(e -> numbers.contains(e.partition()));
    }

    private static Set<Integer> dueNumbers(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = new HashSet<>();
        partitions.stream().filter(p -> Topics.DUE.name().equals(p.topic())).forEach(p -> numbers.add(p.partition()));
        return numbers;
    }

    /**
     * Waits for the batch's deliveries, unless a rebalance callback settled the batch meanwhile; commits what is
     * settled as it goes, so a crash mid-batch delivers again only what finished since the last commit.
     */
    private void awaitDeliveries(InFlightBatch batch) {
        while (inFlight == batch && !batch.awaitDone(LIVENESS_INTERVAL)) {
            ConsumerRecords<byte[], byte[]> unexpected = consumer.poll(Duration.ZERO);
            if (!unexpected.isEmpty()) {
                // Partitions assigned mid-batch are paused on assignment; should any slip through, read them again later.
                rewind(InFlightBatch.firstOffsets(unexpected));
            }
            consumer.pause(consumer.assignment());
            if (inFlight == batch) {
                commitSettled(batch);
            }
        }
    }

    /**
     * Commits every settled entry of the batch; once nothing is left, the batch is done. While the group rebalances
     * the commit is refused (this member's generation is stale until it rejoins), so it polls, with its partitions
     * paused, to rejoin (the rebalance callbacks run inside poll) and commits again.
     */
    private void commit(InFlightBatch batch) {
        while (inFlight == batch && !commitSettled(batch)) {
            ConsumerRecords<byte[], byte[]> unexpected = consumer.poll(LIVENESS_INTERVAL);
            if (!unexpected.isEmpty()) {
                rewind(InFlightBatch.firstOffsets(unexpected));
            }
            consumer.pause(consumer.assignment());
        }
        if (batch.isFullyCommitted() && inFlight == batch) {
            inFlight = null;
        }
    }

    /** Commits what is settled; false when a rebalance refused the commit and nothing was lost (commit again). */
    private boolean commitSettled(InFlightBatch batch) {
        InFlightBatch.Ready ready = batch.ready();
        if (ready.isEmpty()) {
            return true;
        }
        try {
            if (!commitReady(batch, ready)) {
                // A user's topic refused a Kafka-target record: those fires are failed now; the rest commits as it
                // was, without delivering any fire of the batch again.
                commitReady(batch, ready);
            }
            return true;
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // Another member joined or left: the group's generation moved on before this member's next poll. The
            // settled fires stay settled in the batch (their results were aborted with the transaction, not lost)
            // and are committed under the new generation, rather than rewound and delivered a second time.
            abortTransaction(e);
            LOG.info("Commit deferred by a rebalance ({}); committing again after rejoining the group", e.getMessage());
            return false;
        }
    }

    /**
     * Commits the ready entries in one transaction. False when the transaction was aborted because a user's topic
     * refused a Kafka-target record (deleted meanwhile, record too large, write denied): the refused fires then
     * have a {@code FAILED} result in {@link #refusedAtCommit}, and committing again succeeds without them.
     */
    private boolean commitReady(InFlightBatch batch, InFlightBatch.Ready ready) {
        long commitStarted = System.nanoTime();
        List<ExecutionResult> outcomes = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        Map<ProducerRecord<byte[], byte[]>, InFlightBatch.Entry> userRecords = new IdentityHashMap<>();
        Side side = side();
        List<ExecutionResult> ends = new ArrayList<>();
        addSide(side, out, outcomes, ends);
        for (InFlightBatch.Entry entry : ready.entries()) {
            if (entry.deadLetter() != null) {
                out.add(entry.deadLetter());
            }
            if (entry.result() == null) {
                continue;
            }
            ExecutionResult result = refusedAtCommit.getOrDefault(entry, entry.result().join());
            outcomes.add(result);
            out.add(results.of(result));
            if (result.getOutcome() == Outcome.FAILED) {
                out.add(DeadLetters.ofFailure(entry.record(), result));
            } else if (result.getOutcome() == Outcome.DELIVERED && entry.fire().getTarget() instanceof KafkaTarget target) {
                // Produced in the same transaction as the result and the offset: the user's topic sees it exactly once.
                ProducerRecord<byte[], byte[]> record = UserTopicRecords.of(entry.fire(), target);
                out.add(record);
                userRecords.put(record, entry);
            }
        }
        Map<InFlightBatch.Entry, Exception> refused = new ConcurrentHashMap<>();
        try {
            producer.beginTransaction();
            transactionOpen = true;
            for (ProducerRecord<byte[], byte[]> record : out) {
                InFlightBatch.Entry userEntry = userRecords.get(record);
                producer.send(record, userEntry == null ? null : (metadata, error) -> {
                    // A record aborted with the transaction is collateral; the cause is the record that failed. Only
                    // a broker's definite answer refuses a record: a timeout or a producer closed meanwhile proves nothing.
                    if (error instanceof ApiException && !(error instanceof TransactionAbortedException) && !(error instanceof RetriableException)) {
                        refused.put(userEntry, error);
                    }
                });
            }
            producer.sendOffsetsToTransaction(ready.offsets(), consumer.groupMetadata());
            producer.commitTransaction();
            transactionOpen = false;
        } catch (KafkaException e) {
            if (userRecords.isEmpty()) {
                throw e;
            }
            // Aborting also completes every send of the transaction, so each refused record's callback has run.
            abortTransaction(e);
            if (refused.isEmpty()) {
                // No record was refused outright: a topic deleted since its look-up never answers, the commit only
                // timed out waiting for it. Ask again now; a batch with nothing refused is retried as before.
                Instant since = Instant.now();
                userRecords.values().forEach(entry -> userTopics.refusalNow(entry.fire(), (KafkaTarget) entry.fire().getTarget(), since)
                        .ifPresent(reason -> refused.put(entry, new KafkaException(reason))));
                if (refused.isEmpty()) {
                    throw e;
                }
                // The producer still waits for the vanished topic; a new one fences and aborts what it left open.
                closeProducer();
            }
            refused.forEach((entry, error) -> {
                ExecutionResult delivered = entry.result().join();
                String topic = ((KafkaTarget) entry.fire().getTarget()).getTopic();
                LOG.warn("Topic {} refused the record of fire {} ({}); failing that fire alone", topic, entry.fire().getFireId(), error.toString());
                refusedAtCommit.put(entry, ExecutionResults.failed(entry.fire(), delivered.getStartedAt(), Instant.now(), null,
                        "topic " + topic + " refused the record: " + error));
            });
            ensureProducer();
            return false;
        }
        batch.committed(ready);
        sideCommitted(side, outcomes, ends);
        outcomes.forEach(finishedFires::record);
        ExecutorMeters.global().committed(outcomes, out);
        if (LOG.isDebugEnabled()) {
            LOG.debug("Committed {} results and {} other records (dead letters, user topic records) {} ms after the poll, commit {} ms",
                    outcomes.size(), out.size() - outcomes.size(), batch.age().toMillis(), millisSince(commitStarted));
        }
        return true;
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    /** After a failure: abort what was open and rewind to the start of the uncommitted batch. */
    private void recover(RuntimeException cause) {
        InFlightBatch batch = inFlight;
        inFlight = null;
        abortTransaction(cause);
        if (batch != null) {
            rewind(batch.firstOffsets());
        }
    }

    private void abortTransaction(RuntimeException cause) {
        if (producer == null) {
            return;
        }
        if (isFatalForProducer(cause)) {
            LOG.warn("Transactional producer unusable ({}); creating a new one", cause.toString());
            closeProducer();
            return;
        }
        if (transactionOpen) {
            try {
                producer.abortTransaction();
                transactionOpen = false;
            } catch (KafkaException | IllegalStateException e) {
                // IllegalStateException: a commit that timed out must be retried before anything else; start over.
                LOG.warn("Could not abort the transaction ({}); creating a new producer", e.toString());
                closeProducer();
            }
        }
    }

    private static boolean isFatalForProducer(Throwable e) {
        // A topic's write denial only aborts the transaction; a denied transactional id or cluster action is fatal.
        return e instanceof ProducerFencedException || e instanceof OutOfOrderSequenceException
                || (e instanceof AuthorizationException && !(e instanceof TopicAuthorizationException)) || e instanceof UnsupportedVersionException
                || e instanceof IllegalStateException;
    }

    /** Seeks the still-assigned partitions back, so the next poll reads them again from these offsets. */
    private void rewind(Map<TopicPartition, Long> offsets) {
        Consumer<byte[], byte[]> c = consumer;
        if (c == null) {
            return;
        }
        try {
            Set<TopicPartition> assigned = c.assignment();
            offsets.forEach((partition, offset) -> {
                if (assigned.contains(partition)) {
                    c.seek(partition, offset);
                }
            });
        } catch (RuntimeException e) {
            // A new consumer starts from the committed offsets, which is the same place. Not closed here: this
            // may run inside one of the consumer's own rebalance callbacks.
            LOG.warn("Could not rewind the consumer ({}); it will be replaced", e.toString());
            replaceConsumer = true;
        }
    }

    private void finishInFlightOnStop() {
        if (gate != null && producer != null && !transactionOpen && !released.isEmpty()) {
            awaitReleased(null, stopDeadlineNanos);
            try {
                commitSide();
            } catch (RuntimeException e) {
                LOG.warn("Could not write the released fires' results on stop ({}); the partitions' next owner delivers them again", e.toString());
            }
        }
        InFlightBatch batch = inFlight;
        if (batch == null || consumer == null || producer == null) {
            return;
        }
        long remainingNanos = stopDeadlineNanos - System.nanoTime();
        if (batch.isDone() || (remainingNanos > 0 && batch.awaitDone(Duration.ofNanos(remainingNanos)))) {
            try {
                commit(batch);
            } catch (RuntimeException e) {
                LOG.warn("Could not commit the last batch on stop ({}); its fires will be delivered again", e.toString());
                abortTransaction(e);
            }
        } else {
            try {
                commitSettled(batch);
            } catch (RuntimeException e) {
                LOG.warn("Could not commit the settled part of the last batch on stop ({})", e.toString());
                abortTransaction(e);
            }
            LOG.info("Stopping with fires still in delivery; the partitions' next owner delivers them again");
        }
        inFlight = null;
    }

    private void closeClients() {
        closeConsumer();
        closeProducer();
    }

    private void closeProducer() {
        Producer<byte[], byte[]> p = producer;
        producer = null;
        transactionOpen = false;
        if (p != null) {
            try {
                p.close(CLOSE_TIMEOUT);
            } catch (RuntimeException e) {
                LOG.debug("Closing the producer failed", e);
            }
        }
    }

    private void closeConsumer() {
        Consumer<byte[], byte[]> c = consumer;
        consumer = null;
        if (c != null) {
            try {
                c.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            } catch (RuntimeException e) {
                LOG.debug("Closing the consumer failed", e);
            }
        }
    }

    /** Keeps an in-flight batch from committing offsets of partitions this consumer no longer owns. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            try {
                revokeBatch(partitions);
                if (gate != null && producer != null && !transactionOpen) {
                    // Released fires of these partitions still in delivery: their results are written here, within the
                    // same bound as the batch's, rather than the fires delivered a second time by the next owner.
                    awaitReleased(dueNumbers(partitions), System.nanoTime() + revocationWait.toNanos());
                    // Still this member's: run ends and states of these agents are written now rather than redone by the next owner.
                    try {
                        commitSide();
                    } catch (RuntimeException e) {
                        LOG.warn("Could not write the agents' runs before giving up partitions ({}); their next owner redoes what is missing", e.toString());
                    }
                }
            } finally {
                giveUpAgents(partitions);
            }
        }

        private void revokeBatch(Collection<TopicPartition> partitions) {
            InFlightBatch batch = inFlight;
            if (batch == null || !batch.touchesAny(partitions)) {
                return;
            }
            // This member's generation is still valid until the callback returns: commit what these partitions
            // settle within the bound, rather than leave those fires to the next owner to deliver again. Bounded
            // well below max.poll.interval.ms, past which the group would drop this member (and its commit).
            LOG.info("Partitions {} revoked mid-batch; committing what they settle within {} ms", partitions, revocationWait.toMillis());
            long deadline = System.nanoTime() + revocationWait.toNanos();
            while (!batch.isSettled(partitions) && System.nanoTime() - deadline < 0) {
                if (isStopRequested() && System.nanoTime() - stopDeadlineNanos > 0) {
                    break;
                }
                batch.awaitDone(LIVENESS_INTERVAL);
            }
            try {
                if (!commitSettled(batch)) {
                    LOG.warn("The group refused the commit before partitions {} were given up; their settled fires will be delivered again", partitions);
                }
            } catch (RuntimeException e) {
                LOG.warn("Could not commit the batch before giving up partitions ({}); its fires will be delivered again", e.toString());
                recover(e);
                return;
            }
            if (!batch.isSettled(partitions)) {
                LOG.info("Partitions {} revoked with fires still in delivery; their next owner delivers them again", partitions);
            }
            batch.forget(partitions);
            if (batch.isFullyCommitted() && batch.isDone()) {
                inFlight = null;
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            giveUpAgents(partitions);
            InFlightBatch batch = inFlight;
            if (batch == null || !batch.touchesAny(partitions)) {
                return;
            }
            // Another member owns these partitions already: a commit would be refused, and its fires are theirs to deliver.
            LOG.warn("Partitions lost with a batch of {} fires uncommitted; they will be delivered again", batch.fires());
            inFlight = null;
            rewind(batch.firstOffsets());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Set<Integer> numbers = dueNumbers(partitions);
            if (gate != null && !numbers.isEmpty()) {
                // Before any record of these partitions: their agents' runs and waiting fires, as last committed.
                gate.giveUp(numbers);
                try {
                    agentRuns.restore(clients, numbers).forEach(gate::restore);
                } catch (RuntimeException e) {
                    replaceConsumer = true; // rejoin, and restore again, rather than deliver without the agents' state
                    throw e;
                }
            }
            if (inFlight != null) {
                consumer.pause(partitions);
            }
        }
    }
}
