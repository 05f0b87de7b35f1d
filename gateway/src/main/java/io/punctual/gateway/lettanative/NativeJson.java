package io.punctual.gateway.lettanative;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.punctual.gateway.view.ScheduleSummary;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.kernel.letta.LettaMessagesJson;

/** Letta's ScheduledMessage shape. */
final class NativeJson {
    private NativeJson() {
    }

    /** Shown by this door: a Letta target to this agent, once or cron, and (for one-time) not yet run. */
    static boolean isShown(ScheduleState s, String agentId) {
        if (!(s.getSpec().getTarget() instanceof LettaTarget t) || !t.getAgentId().equals(agentId)) {
            return false;
        }
        Object cadence = s.getSpec().getCadence();
        if (cadence instanceof OnceCadence) {
            return s.getStatus() != ScheduleStatus.COMPLETED;
        }
        return cadence instanceof CronCadence;
    }

    /** The same rule on a list's index entry (read from the agent's index, so the agent already matches). */
    static boolean isShown(ScheduleSummary s) {
        return s.agentId() != null && (s.type().equals("once") ? !s.status().equals("completed") : s.type().equals("cron"));
    }

    static ObjectNode scheduledMessage(ScheduleState s) {
        LettaTarget target = (LettaTarget) s.getSpec().getTarget();
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("id", s.getScheduleId());
        json.put("agent_id", target.getAgentId());
        ObjectNode message = json.putObject("message");
        message.set("messages", LettaMessagesJson.toJson(target.getMessages()));
        message.put("callback_url", target.getCallbackUrl());
        if (target.getMaxSteps() == null) {
            message.putNull("max_steps");
        } else {
            message.put("max_steps", target.getMaxSteps());
        }
        if (target.getIncludeReturnMessageTypes() == null) {
            message.putNull("include_return_message_types");
        } else {
            target.getIncludeReturnMessageTypes().forEach(message.putArray("include_return_message_types")::add);
        }
        // Letta's shape has no status; "nothing is due" is how it says a schedule will not fire, so a paused
        // schedule (auto-paused after failures, or by hand on /v1) shows null until it is resumed.
        boolean due = s.getStatus() == ScheduleStatus.ACTIVE && s.getNextFireAt() != null;
        json.put("next_scheduled_time", due ? s.getNextFireAt().toString() : null);
        ObjectNode schedule = json.putObject("schedule");
        if (s.getSpec().getCadence() instanceof OnceCadence once) {
            schedule.put("type", "one-time");
            schedule.put("scheduled_at", once.getAt().toEpochMilli());
        } else if (s.getSpec().getCadence() instanceof CronCadence cron) {
            schedule.put("type", "recurring");
            schedule.put("cron_expression", cron.getExpression());
        }
        return json;
    }
}
