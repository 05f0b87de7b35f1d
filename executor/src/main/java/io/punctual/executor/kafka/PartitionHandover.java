package io.punctual.executor.kafka;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * The delivery loop's rebalance listener: keeps an in-flight batch from committing offsets of partitions this member
 * no longer owns, commits within a bound what revoked partitions settle, and hands the agents of those partitions
 * over with them. It exists so that the rebalance rules (bounded below the poll interval, lost partitions rewound,
 * agents' states restored before any record of an assigned partition) read and test apart from the poll loop. Its
 * callbacks run on the loop's thread, inside the loop's polls.
 */
final class PartitionHandover implements ConsumerRebalanceListener {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionHandover.class);

    /** What the listener needs of the loop it serves. */
    interface Loop {
        /** The batch between poll and its last commit, or null. */
        InFlightBatch inFlight();

        /** The in-flight batch is done with: committed, or left to the partitions' next owner. */
        void clearInFlight();

        /** Commits what the batch has settled; false when the group refused the commit. */
        boolean commitSettled(InFlightBatch batch);

        /** After a failure: aborts what was open and rewinds to the start of the uncommitted batch. */
        void recover(RuntimeException cause);

        /** Seeks the still-assigned partitions back to these offsets. */
        void rewind(Map<TopicPartition, Long> offsets);

        /** True once a stop was asked for and its grace is over. */
        boolean isPastStopDeadline();

        /** The consumer is to be closed and a new one to join, on the loop's next round. */
        void replaceConsumer();

        void pause(Collection<TopicPartition> partitions);
    }

    private final Loop loop;
    private final TransactionalCommitter committer;
    /** The agent gate's side records (null: no gate). */
    private final GatedFires gated;
    private final ExecutorKafkaClients clients;
    private final Duration revocationWait;
    private final Duration livenessInterval;

    /**
     * @param revocationWait   how long a rebalance that takes partitions away waits for their fires in delivery
     * @param livenessInterval how often that wait looks whether a stop's grace is over
     */
    PartitionHandover(Loop loop, TransactionalCommitter committer, GatedFires gated, ExecutorKafkaClients clients,
                      Duration revocationWait, Duration livenessInterval) {
        this.loop = loop;
        this.committer = committer;
        this.gated = gated;
        this.clients = clients;
        this.revocationWait = revocationWait;
        this.livenessInterval = livenessInterval;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        try {
            revokeBatch(partitions);
            if (gated != null && committer.isIdle()) {
                // Released fires of these partitions still in delivery: their results are written here, within the
                // same bound as the batch's, rather than the fires delivered a second time by the next owner.
                gated.awaitReleased(GatedFires.dueNumbers(partitions), System.nanoTime() + revocationWait.toNanos());
                // Still this member's: run ends and states of these agents are written now rather than redone by the next owner.
                try {
                    gated.commitSide(committer);
                } catch (RuntimeException e) {
                    LOG.warn("Could not write the agents' runs before giving up partitions ({}); their next owner redoes what is missing", e.toString());
                }
            }
        } finally {
            giveUpAgents(partitions);
        }
    }

    private void revokeBatch(Collection<TopicPartition> partitions) {
        InFlightBatch batch = loop.inFlight();
        if (batch == null || !batch.touchesAny(partitions)) {
            return;
        }
        // This member's generation is still valid until the callback returns: commit what these partitions
        // settle within the bound, rather than leave those fires to the next owner to deliver again. Bounded
        // well below max.poll.interval.ms, past which the group would drop this member (and its commit).
        LOG.info("Partitions {} revoked mid-batch; committing what they settle within {} ms", partitions, revocationWait.toMillis());
        long deadline = System.nanoTime() + revocationWait.toNanos();
        while (!batch.isSettled(partitions) && System.nanoTime() - deadline < 0) {
            if (loop.isPastStopDeadline()) {
                break;
            }
            batch.awaitDone(livenessInterval);
        }
        try {
            if (!loop.commitSettled(batch)) {
                LOG.warn("The group refused the commit before partitions {} were given up; their settled fires will be delivered again", partitions);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not commit the batch before giving up partitions ({}); its fires will be delivered again", e.toString());
            loop.recover(e);
            return;
        }
        if (!batch.isSettled(partitions)) {
            LOG.info("Partitions {} revoked with fires still in delivery; their next owner delivers them again", partitions);
        }
        batch.forget(partitions);
        if (batch.isFullyCommitted() && batch.isDone()) {
            loop.clearInFlight();
        }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        giveUpAgents(partitions);
        InFlightBatch batch = loop.inFlight();
        if (batch == null || !batch.touchesAny(partitions)) {
            return;
        }
        // Another member owns these partitions already: a commit would be refused, and its fires are theirs to deliver.
        LOG.warn("Partitions lost with a batch of {} fires uncommitted; they will be delivered again", batch.fires());
        loop.clearInFlight();
        loop.rewind(batch.firstOffsets());
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = GatedFires.dueNumbers(partitions);
        if (gated != null && !numbers.isEmpty()) {
            try {
                gated.restore(clients, numbers);
            } catch (RuntimeException e) {
                loop.replaceConsumer(); // rejoin, and restore again, rather than deliver without the agents' state
                throw e;
            }
        }
        if (loop.inFlight() != null) {
            loop.pause(partitions);
        }
    }

    /** Gives up the agents of partitions no longer owned, and what was pending for them. */
    private void giveUpAgents(Collection<TopicPartition> partitions) {
        if (gated != null) {
            gated.giveUpAgents(partitions);
        }
    }
}
