package io.punctual.schemas.serde;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * The bytes of the record a thread is writing: one per thread, reused, grown as needed and written without locks;
 * each record leaves it as one exact copy. {@code new ByteArrayOutputStream(256)} per record grew twice for a
 * schedule's state (a copy each time), locked on every write, and copied once more at the end: the array copies and
 * its growth were in 10 % and 6 % of the planner's samples applying creates (a burst's profile, 2026-12-03), and
 * {@code AvroSerdeBench} allocated 1.8 KB per state written against 0.95 KB with this buffer.
 */
final class WireBuffer extends OutputStream {
    private static final int INITIAL = 1024;
    /** A buffer grown beyond this by an unusually large record is dropped after it, not kept by the thread. */
    private static final int KEPT_AT_MOST = 64 * 1024;
    private static final ThreadLocal<WireBuffer> BUFFERS = ThreadLocal.withInitial(WireBuffer::new);

    private byte[] bytes = new byte[INITIAL];
    private int count;

    private WireBuffer() {
    }

    /** This thread's buffer, emptied. Not re-entrant: a thread writes one record at a time (as with its encoder). */
    static WireBuffer forThisThread() {
        WireBuffer buffer = BUFFERS.get();
        buffer.count = 0;
        return buffer;
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[count++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int length) {
        ensure(length);
        System.arraycopy(source, offset, bytes, count, length);
        count += length;
    }

    /** The bytes written since {@link #forThisThread}, as a new array of exactly that length. */
    byte[] toByteArray() {
        byte[] copy = Arrays.copyOf(bytes, count);
        if (bytes.length > KEPT_AT_MOST) {
            bytes = new byte[INITIAL];
        }
        count = 0;
        return copy;
    }

    private void ensure(int more) {
        int needed = count + more;
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
        }
    }
}
