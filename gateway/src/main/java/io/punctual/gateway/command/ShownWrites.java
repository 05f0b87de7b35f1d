package io.punctual.gateway.command;

import io.punctual.schemas.ScheduleState;

import java.util.concurrent.CompletableFuture;

/**
 * Tells when a write is visible on {@code punctual.schedules} itself, where every replica's read barrier looks. The
 * planner commits a command's result and the schedule's new state in one transaction, but Kafka writes the commit's
 * markers partition by partition: a replica could read the result, answer the write, and another replica's read
 * barrier could still find the state's partition before its marker, and answer with the state before the write
 * (`ReadReplicasTest` failed that way in CI, once in three runs). So a write answers only once this replica has read
 * its state back from the topic.
 */
public interface ShownWrites {
    /** Until the topic shows a state of this schedule, from now on: called before the command is published. */
    Watch watch(String scheduleId);

    /** What the topic showed of one schedule since {@link #watch}. */
    interface Watch extends AutoCloseable {
        /**
         * Completes once the topic has shown {@code state} or a newer one (for a deleted schedule: its removal). Every
         * command the planner accepts writes the schedule's state (or its tombstone) in the transaction of its result.
         */
        CompletableFuture<Void> until(ScheduleState state);

        /** Stops watching (the write was answered, refused, or timed out). */
        @Override
        void close();
    }

    /** For a gateway without views: nothing to wait for. */
    ShownWrites IMMEDIATE = scheduleId -> new Watch() {
        @Override
        public CompletableFuture<Void> until(ScheduleState state) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
        }
    };
}
