package io.punctual.planner.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every store of the JVM is charged to one cache: memtables through the shared write buffer manager. */
class BoundedRocksDbMemoryTest {

    @TempDir
    Path dir;

    @Test
    void storesShareOneCacheAndWriteBufferManager() throws Exception {
        RocksDB.loadLibrary();
        BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
        Map<String, Object> configs = new RocksDbMemory(64L << 20, 16L << 20).streamsProperties();
        BoundedRocksDbMemory.Shared shared = BoundedRocksDbMemory.shared(64L << 20, 16L << 20);
        long before = shared.cache().getUsage();
        try (Options first = options(); Options second = options()) {
            setter.setConfig("schedules", first, configs);
            setter.setConfig("timeline", second, configs);
            assertThat(first.writeBufferManager()).isSameAs(shared.writeBufferManager()).isSameAs(second.writeBufferManager());
            try (RocksDB a = RocksDB.open(first, dir.resolve("a").toString());
                 RocksDB b = RocksDB.open(second, dir.resolve("b").toString())) {
                byte[] value = new byte[4096];
                for (int i = 0; i < 1000; i++) {
                    a.put(("a" + i).getBytes(StandardCharsets.UTF_8), value);
                    b.put(("b" + i).getBytes(StandardCharsets.UTF_8), value);
                }
                // The memtables of both stores are charged to the one shared cache.
                assertThat(shared.cache().getUsage()).isGreaterThan(before);
            }
        }
    }

    @Test
    void refusesWriteBuffersLargerThanTheTotal() {
        assertThatThrownBy(() -> new RocksDbMemory(16L << 20, 32L << 20)).hasMessageContaining("must fit");
    }

    private static Options options() {
        Options options = new Options().setCreateIfMissing(true);
        options.setTableFormatConfig(new BlockBasedTableConfig());
        return options;
    }
}
