package io.punctual.executor.kafka;

import io.punctual.executor.runs.AgentGate;
import io.punctual.executor.delivery.FinishedFires;
import io.punctual.executor.delivery.FireDispatcher;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The executor's consume-deliver-produce loop, on one thread: poll a batch of due fires, deliver them all,
 * then write one result per fire and the batch's offsets in one Kafka transaction. A batch that cannot be
 * committed is consumed again, so a fire may be delivered twice (with the same idempotency key) but never lost.
 *
 * <p>The transaction is opened only once every delivery has finished, so it stays short whatever Letta does;
 * while deliveries run, the consumer is paused and keeps polling so that it stays in its group.
 *
 * <p>This class keeps the consumer, the rounds of poll, deliver and commit, failure recovery and stopping. The
 * parts are apart: {@link BatchIntake} decides what each polled record becomes, {@link BatchCommitter} what one
 * commit carries, {@link TransactionalCommitter} owns the producer and its transactions, {@link PartitionHandover}
 * handles rebalances and {@link GatedFires} the one-run-per-agent gate's own records. What stays here (about 370
 * lines) is the state only the loop's thread may touch (the consumer, the in-flight batch, the stop deadline) and
 * every step that reads or changes it; splitting it further would hand that state around rather than hide it.
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
    private final BatchIntake intake;
    private final ResultRecords results;
    private final Duration shutdownGrace;
    private final Duration revocationWait;
    private final FinishedFires finishedFires;
    private final Duration restoreWindow;
    private boolean restored;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Backoff backoff = new Backoff(stopRequested);

    private volatile Consumer<byte[], byte[]> consumer;
    private volatile long stopDeadlineNanos;
    private volatile boolean healthy;
    private final TransactionalCommitter committer;
    private final BatchCommitter commits;
    private boolean replaceConsumer;
    // Touched by the loop thread only: rebalance callbacks run inside its poll calls.
    private InFlightBatch inFlight;
    /** One run per agent (null: fires go as soon as the previous request to their agent returned). */
    private final GatedFires gated;
    private final AgentRunRecords agentRuns;

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
        this.agentRuns = agentRuns;
        this.gated = gate == null ? null
                : new GatedFires(gate, agentRuns, dispatcher, results, finished, fire -> finished.isFinished(fire) || BatchIntake.isDeleted(deleted, fire));
        this.intake = new BatchIntake(decoder, dispatcher, finished, deleted, gated);
        this.clients = clients;
        this.results = results;
        this.shutdownGrace = shutdownGrace;
        this.revocationWait = revocationWait;
        this.finishedFires = finished;
        this.restoreWindow = restoreWindow;
        this.committer = new TransactionalCommitter(() -> {
            results.registerSchema();
            return clients.producer();
        }, userTopics);
        this.commits = new BatchCommitter(committer, results, finished, gated);
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
    void stop() {
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

    boolean awaitStopped(Duration timeout) throws InterruptedException {
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
        committer.ensureProducer();
        if (replaceConsumer) {
            replaceConsumer = false;
            closeConsumer();
        }
        if (consumer == null) {
            Consumer<byte[], byte[]> c = clients.consumer();
            c.subscribe(List.of(Topics.DUE.name()), new PartitionHandover(new Handover(), committer, gated, clients, revocationWait, LIVENESS_INTERVAL));
            consumer = c;
            if (isStopRequested()) {
                c.wakeup(); // stop() may have looked for a consumer just before this one existed
            }
        }
    }

    private void pollAndDeliver() {
        if (gated != null) {
            liftHoldsByPosition();
            // Ends first: a fire whose agent's run just ended goes as a plain delivery, not as an overlap.
            gated.drainEnded();
            gated.releaseWaiting();
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(gated != null && gated.isWaiting() ? POLL_TIMEOUT_WHILE_WAITING : POLL_TIMEOUT);
        if (records.isEmpty()) {
            // What the gate has waiting (released fires' results, run ends, agent states) rides on the next batch's
            // transaction; only a poll that brought no batch commits it alone. Committed before every poll, it cost
            // each round a second transaction, which fires readable meanwhile waited for (steady p99, seventh session).
            if (gated != null) {
                gated.commitSide(committer);
            }
            return;
        }
        InFlightBatch batch = intake.start(records, consumer::position, this::rewind);
        inFlight = batch;
        commits.newBatch();
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

    /**
     * With no batch in flight every record read so far is committed or needed nothing, so a partition's position is
     * as good as a commit for the runs held until their partition got that far (see {@code GatedFires.holds}).
     */
    private void liftHoldsByPosition() {
        if (inFlight != null) {
            return;
        }
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (int partition : gated.heldPartitions()) {
            TopicPartition p = new TopicPartition(Topics.DUE.name(), partition);
            if (assigned.contains(p)) {
                positions.put(p, consumer.position(p));
            }
        }
        gated.committedUpTo(positions);
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
        return commits.commitSettled(batch, consumer::groupMetadata);
    }

    /** After a failure: abort what was open and rewind to the start of the uncommitted batch. */
    private void recover(RuntimeException cause) {
        InFlightBatch batch = inFlight;
        inFlight = null;
        committer.abort(cause);
        if (batch != null) {
            rewind(batch.firstOffsets());
        }
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
        if (gated != null && committer.isIdle() && gated.hasReleased()) {
            gated.awaitReleased(null, stopDeadlineNanos);
            try {
                gated.commitSide(committer);
            } catch (RuntimeException e) {
                LOG.warn("Could not write the released fires' results on stop ({}); the partitions' next owner delivers them again", e.toString());
            }
        }
        InFlightBatch batch = inFlight;
        if (batch == null || consumer == null || !committer.hasProducer()) {
            return;
        }
        long remainingNanos = stopDeadlineNanos - System.nanoTime();
        if (batch.isDone() || (remainingNanos > 0 && batch.awaitDone(Duration.ofNanos(remainingNanos)))) {
            try {
                commit(batch);
            } catch (RuntimeException e) {
                LOG.warn("Could not commit the last batch on stop ({}); its fires will be delivered again", e.toString());
                committer.abort(e);
            }
        } else {
            try {
                commitSettled(batch);
            } catch (RuntimeException e) {
                LOG.warn("Could not commit the settled part of the last batch on stop ({})", e.toString());
                committer.abort(e);
            }
            LOG.info("Stopping with fires still in delivery; the partitions' next owner delivers them again");
        }
        inFlight = null;
    }

    private void closeClients() {
        closeConsumer();
        committer.close();
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

    /** The loop as its rebalance listener sees it; called on the loop's thread, inside its polls. */
    private final class Handover implements PartitionHandover.Loop {
        @Override
        public InFlightBatch inFlight() {
            return inFlight;
        }

        @Override
        public void clearInFlight() {
            inFlight = null;
        }

        @Override
        public boolean commitSettled(InFlightBatch batch) {
            return DeliveryLoop.this.commitSettled(batch);
        }

        @Override
        public void recover(RuntimeException cause) {
            DeliveryLoop.this.recover(cause);
        }

        @Override
        public void rewind(Map<TopicPartition, Long> offsets) {
            DeliveryLoop.this.rewind(offsets);
        }

        @Override
        public boolean isPastStopDeadline() {
            return isStopRequested() && System.nanoTime() - stopDeadlineNanos > 0;
        }

        @Override
        public void replaceConsumer() {
            replaceConsumer = true;
        }

        @Override
        public void pause(Collection<TopicPartition> partitions) {
            consumer.pause(partitions);
        }
    }
}
