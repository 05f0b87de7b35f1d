package io.punctual.planner.retry;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The value of a retry timer in its store. A private, versioned binary layout: the store is the planner's own
 * (changelogged, never read by anyone else), so it needs no registry schema, only a way to evolve.
 */
final class RetryTimerCodec {
    private static final byte LAYOUT_V1 = 1;
    /** V1 and the notification's body (a notification's retry re-sends the same one). */
    private static final byte LAYOUT_V2 = 2;

    private RetryTimerCodec() {
    }

    static byte[] encode(RetryTimer timer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(timer.notification() == null ? LAYOUT_V1 : LAYOUT_V2);
            out.writeUTF(timer.scheduleId());
            out.writeUTF(timer.fireId());
            out.writeLong(timer.scheduledFor().toEpochMilli());
            out.writeInt(timer.attempt());
            out.writeBoolean(timer.manual());
            out.writeLong(timer.armedAt().toEpochMilli());
            if (timer.notification() != null) {
                byte[] body = timer.notification().getBytes(StandardCharsets.UTF_8);
                out.writeInt(body.length);
                out.write(body);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static RetryTimer decode(Instant fireAt, byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte layout = in.readByte();
            if (layout != LAYOUT_V1 && layout != LAYOUT_V2) {
                throw new IllegalStateException("Unknown retry timer layout " + layout);
            }
            String scheduleId = in.readUTF();
            String fireId = in.readUTF();
            Instant scheduledFor = Instant.ofEpochMilli(in.readLong());
            int attempt = in.readInt();
            boolean manual = in.readBoolean();
            Instant armedAt = Instant.ofEpochMilli(in.readLong());
            String notification = null;
            if (layout == LAYOUT_V2) {
                notification = new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
            }
            return new RetryTimer(fireAt, scheduleId, fireId, scheduledFor, attempt, manual, armedAt, notification);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
