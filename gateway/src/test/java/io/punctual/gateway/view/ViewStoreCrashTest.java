package io.punctual.gateway.view;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The views keep no write-ahead log ({@link ViewStore}): a process killed with SIGKILL loses what its memtables held,
 * and must come back exactly as it was at its last flush, its offsets saying where that was. A forked JVM writes
 * batches as the tails do (a record, a counter and the offset after it, in one batch) until it has written past
 * several flushes, and is killed mid-write; the store opened again must hold every record below its stored offset,
 * none at or above it, and a counter equal to that offset. Column families flushed one by one (no atomic flush)
 * would leave the counter or the offsets ahead of the records, or behind them.
 */
class ViewStoreCrashTest {
    private static final String TOPIC = "punctual.schedules";
    private static final byte[] COUNT_KEY = "written".getBytes(StandardCharsets.UTF_8);
    /** Records of 2 KB: 200,000 of them are 400 MB of writes, several times the memtables' 64 MB. */
    private static final int VALUE_BYTES = 2048;
    private static final int KILL_AFTER = 200_000;

    @TempDir
    Path dir;

    @Test
    void aKilledWriterLeavesTheStoreAsItWasAtItsLastFlush() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process writer = new ProcessBuilder(java, "-Xmx256m", "-cp", classpath, Writer.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        long reported = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith("WROTE ")) {
                    reported = Long.parseLong(line.substring(6).trim());
                    if (reported >= KILL_AFTER) {
                        writer.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush at close
                        break;
                    }
                }
            }
        } finally {
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(reported).as("the writer reached the kill point").isGreaterThanOrEqualTo(KILL_AFTER);

        try (ViewStore store = new ViewStore(dir)) {
            long offset = store.offsets(TOPIC).getOrDefault(new TopicPartition(TOPIC, 0), 0L);
            // 400 MB went through 64 MB of memtables, so flushes happened. How many batches the kill lost depends on
            // when it landed (the writer goes on past its last report), so only the agreement below is asserted.
            assertThat(offset).as("the offset of the last flush").isPositive();
            byte[] count = store.db().get(store.counts, COUNT_KEY);
            assertThat(count).isNotNull();
            assertThat(ByteBuffer.wrap(count).getLong()).as("the counter written with each record").isEqualTo(offset);
            assertThat(store.db().get(store.schedules, key(offset - 1))).as("the last record below the offset")
                    .isEqualTo(value(offset - 1));
            assertThat(store.db().get(store.schedules, key(offset))).as("the record at the offset").isNull();
            long present = 0;
            try (var it = store.db().newIterator(store.schedules)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    present++;
                }
            }
            assertThat(present).as("records stored").isEqualTo(offset);
        }
    }

    private static byte[] key(long i) {
        return String.format("sch_%012d", i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(long i) {
        byte[] value = new byte[VALUE_BYTES];
        Arrays.fill(value, (byte) (i % 251));
        ByteBuffer.wrap(value).putLong(i);
        return value;
    }

    /** The forked writer: one batch per record, as a tail's batch of one, until it is killed. */
    public static final class Writer {
        public static void main(String[] args) throws Exception {
            ViewStore store = new ViewStore(Path.of(args[0]));
            for (long i = 0; ; i++) {
                try (WriteBatch batch = new WriteBatch()) {
                    batch.put(store.schedules, key(i), value(i));
                    batch.put(store.counts, COUNT_KEY, ByteBuffer.allocate(Long.BYTES).putLong(i + 1).array());
                    store.putOffsets(batch, Map.of(new TopicPartition(TOPIC, 0), i + 1));
                    store.write(batch);
                }
                if ((i + 1) % 1_000 == 0) {
                    System.out.println("WROTE " + (i + 1));
                    System.out.flush();
                }
            }
        }
    }
}
