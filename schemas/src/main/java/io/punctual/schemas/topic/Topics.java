package io.punctual.schemas.topic;

import io.punctual.schemas.AgentRuns;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.QuotaEvent;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleState;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The catalog of every topic Punctual reads or writes. Keys are UTF-8 strings on every topic. */
public final class Topics {

    /** Schedule commands from the gateway or any Kafka producer. Compacted; a delete, once applied, leaves a tombstone. */
    public static final TopicDef<ScheduleCommand> COMMANDS =
            new TopicDef<>("punctual.commands", Cleanup.COMPACT, "schedule id", ScheduleCommand.class, Optional.empty());

    /** The planner's authoritative schedule state. Compacted; a deleted schedule is a tombstone. */
    public static final TopicDef<ScheduleState> SCHEDULES =
            new TopicDef<>("punctual.schedules", Cleanup.COMPACT, "schedule id", ScheduleState.class, Optional.empty());

    /** One answer per command; read by the gateway to acknowledge writes. Short-lived. */
    public static final TopicDef<CommandResult> COMMAND_RESULTS =
            new TopicDef<>("punctual.command-results", Cleanup.DELETE, "schedule id", CommandResult.class, Optional.of(Duration.ofDays(1)));

    /** Fires that are due, keyed by agent so that one agent's fires stay in order on one partition. */
    public static final TopicDef<DueEvent> DUE =
            new TopicDef<>("punctual.due", Cleanup.DELETE, "Letta agent id", DueEvent.class, Optional.of(Duration.ofDays(7)));

    /** Delivery outcomes, each written once in the executor's transaction; the run history. */
    public static final TopicDef<ExecutionResult> RESULTS =
            new TopicDef<>("punctual.results", Cleanup.DELETE, "schedule id", ExecutionResult.class, Optional.of(Duration.ofDays(30)));

    /** Command records that could not be decoded or made no sense: original bytes, reason in headers. */
    public static final TopicDef<byte[]> COMMANDS_DLQ =
            new TopicDef<>("punctual.commands.dlq", Cleanup.DELETE, "original key", byte[].class, Optional.of(Duration.ofDays(30)));

    /** Due events the executor could not decode or deliver for good: original bytes, reason in headers. */
    public static final TopicDef<byte[]> DLQ =
            new TopicDef<>("punctual.dlq", Cleanup.DELETE, "original key", byte[].class, Optional.of(Duration.ofDays(30)));

    /**
     * The planner's own bookkeeping of live schedules per tenant: admission requests of commands that would make a
     * schedule live, and count changes. Keyed by tenant so one task counts each tenant, whatever its schedules' ids.
     */
    public static final TopicDef<QuotaEvent> QUOTA =
            new TopicDef<>("punctual.quota", Cleanup.DELETE, "tenant", QuotaEvent.class, Optional.of(Duration.ofDays(7)));

    /** Commands the quota admitted, back to the task of their schedule: the original command record's value bytes. */
    public static final TopicDef<byte[]> QUOTA_ADMITTED =
            new TopicDef<>("punctual.quota.admitted", Cleanup.DELETE, "schedule id", byte[].class, Optional.of(Duration.ofDays(7)));

    /**
     * Each Letta agent's runs from Punctual still working and the fires waiting for them, written by the executor in
     * its transactions. Compacted; written to the same partition number as the agent's due events, so whichever
     * executor owns that partition of {@code punctual.due} restores the agent's runs from it.
     */
    public static final TopicDef<AgentRuns> AGENT_RUNS =
            new TopicDef<>("punctual.agent-runs", Cleanup.COMPACT, "Letta agent id", AgentRuns.class, Optional.empty());

    public static final List<TopicDef<?>> ALL = List.of(COMMANDS, SCHEDULES, COMMAND_RESULTS, DUE, RESULTS, COMMANDS_DLQ, DLQ, QUOTA, QUOTA_ADMITTED,
            AGENT_RUNS);

    /** Header names on dead-letter records. */
    public static final String HEADER_DLQ_REASON = "punctual.dlq.reason";
    public static final String HEADER_DLQ_SOURCE_TOPIC = "punctual.dlq.source.topic";
    public static final String HEADER_DLQ_SOURCE_PARTITION = "punctual.dlq.source.partition";
    public static final String HEADER_DLQ_SOURCE_OFFSET = "punctual.dlq.source.offset";

    private Topics() {
    }
}
