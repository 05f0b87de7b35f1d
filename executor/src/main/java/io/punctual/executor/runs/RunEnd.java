package io.punctual.executor.runs;

import io.punctual.schemas.FollowedRun;

import java.time.Instant;

/**
 * How a followed run ended.
 *
 * @param run        the run as it was followed
 * @param status     Letta's terminal status, or {@code unknown}
 * @param finishedAt Letta's {@code completed_at}, else when the end was seen
 * @param stopReason where Letta gives one
 * @param usageJson  where Letta gives it
 * @param detail     why the status is unknown, else null
 */
record RunEnd(FollowedRun run, String status, Instant finishedAt, String stopReason, String usageJson, String detail) {
}
