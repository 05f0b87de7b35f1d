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
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a list filters on, stored as the value of each index entry so a page filters without reading the schedules
 * it skips. {@code agentId} is null unless the target is a Letta agent.
 */
public record ScheduleSummary(String status, String type, String agentId, Map<String, String> labels) {
    /**
     * The first byte of an entry that carries its state's version and update time. A summary alone begins with its
     * status's length as two bytes, the first 0 (no status name is 256 bytes long), so the two cannot be confused.
     */
    private static final byte WITH_HEAD = 1;
    /** The marker, the version and the update time. */
    private static final int HEAD_BYTES = 17;

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
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * An index entry's value: this summary behind a marker byte and the state's version and update time, so the
     * view learns what a schedule holds from its index entry alone ({@link ScheduleHead#fromIndex}).
     */
    byte[] toIndexBytes(long version, long updatedAtMillis) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(80);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(WITH_HEAD);
            out.writeLong(version);
            out.writeLong(updatedAtMillis);
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Whether an index entry carries the version and update time (written since 2026-11-30). */
    static boolean hasHead(byte[] entry) {
        return entry.length > HEAD_BYTES && entry[0] == WITH_HEAD;
    }

    /** The version of the state an entry {@link #hasHead} was written for. */
    static long versionOf(byte[] entry) {
        return ByteBuffer.wrap(entry, 1, Long.BYTES).getLong();
    }

    /** The update time (epoch millis) of the state an entry {@link #hasHead} was written for. */
    static long updatedAtOf(byte[] entry) {
        return ByteBuffer.wrap(entry, 1 + Long.BYTES, Long.BYTES).getLong();
    }

    private void write(DataOutputStream out) throws IOException {
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
    }

    /** The summary of an index entry, with or without the version and update time before it. */
    static ScheduleSummary fromBytes(byte[] bytes) {
        int skip = hasHead(bytes) ? HEAD_BYTES : 0;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, skip, bytes.length - skip))) {
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
