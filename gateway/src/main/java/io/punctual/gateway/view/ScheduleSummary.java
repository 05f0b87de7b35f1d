package io.punctual.gateway.view;

import io.punctual.schemas.CronCadence;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleState;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a list filters on, stored as the value of each index entry so a page filters without reading the schedules
 * it skips. {@code agentId} is null unless the target is a Letta agent.
 */
public record ScheduleSummary(String status, String type, String agentId, Map<String, String> labels) {

    static ScheduleSummary of(ScheduleState state) {
        Object cadence = state.getSpec().getCadence();
        String type = cadence instanceof OnceCadence ? "once" : cadence instanceof CronCadence ? "cron" : "interval";
        String agent = state.getSpec().getTarget() instanceof LettaTarget letta ? letta.getAgentId() : null;
        Map<String, String> labels = new LinkedHashMap<>();
        state.getSpec().getLabels().forEach((k, v) -> labels.put(k.toString(), v.toString()));
        return new ScheduleSummary(state.getStatus().name().toLowerCase(Locale.ROOT), type, agent, labels);
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(status);
            out.writeUTF(type);
            out.writeBoolean(agentId != null);
            if (agentId != null) {
                out.writeUTF(agentId);
            }
            out.writeInt(labels.size());
            for (Map.Entry<String, String> label : labels.entrySet()) {
                out.writeUTF(label.getKey());
                out.writeUTF(label.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ScheduleSummary fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            String status = in.readUTF();
            String type = in.readUTF();
            String agent = in.readBoolean() ? in.readUTF() : null;
            int count = in.readInt();
            Map<String, String> labels = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                labels.put(in.readUTF(), in.readUTF());
            }
            return new ScheduleSummary(status, type, agent, labels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
