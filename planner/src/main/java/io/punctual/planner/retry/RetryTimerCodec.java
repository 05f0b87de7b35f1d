package io.punctual.planner.retry;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The value of a retry timer in its store. A private, versioned binary layout: the store is the planner's own
 * (changelogged, never read by anyone else), so it needs no registry schema, only a way to evolve.
 */
final class RetryTimerCodec {
    private static final byte LAYOUT_V1 = 1;

    private RetryTimerCodec() {
    }

    static byte[] encode(RetryTimer timer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(LAYOUT_V1);
            out.writeUTF(timer.scheduleId());
            out.writeUTF(timer.fireId());
            out.writeLong(timer.scheduledFor().toEpochMilli());
            out.writeInt(timer.attempt());
            out.writeBoolean(timer.manual());
            out.writeLong(timer.armedAt().toEpochMilli());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static RetryTimer decode(Instant fireAt, byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte layout = in.readByte();
            if (layout != LAYOUT_V1) {
                throw new IllegalStateException("Unknown retry timer layout " + layout);
            }
            return new RetryTimer(fireAt, in.readUTF(), in.readUTF(), Instant.ofEpochMilli(in.readLong()), in.readInt(),
                    in.readBoolean(), Instant.ofEpochMilli(in.readLong()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
