package io.punctual.planner.state;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

import java.util.Map;

/**
 * Kafka Streams' {@code rocksdb.config.setter}: every RocksDB store of this JVM shares one block cache, which also
 * holds the index and filter blocks and is charged with the memtables through a write buffer manager. Without it each
 * store (four per task, one task per partition) sizes its own cache and memtables, and off-heap memory grows with
 * the number of partitions a pod owns until the container is killed.
 *
 * <p>The cache is static because RocksDB needs one object shared by all stores, and Kafka Streams creates a setter
 * per store; its sizes come from the first store opened in the JVM ({@link RocksDbMemory#streamsProperties()}).
 */
public class BoundedRocksDbMemory implements RocksDBConfigSetter {
    /** Streams config key: total bytes of the shared cache, memtables included. */
    public static final String TOTAL_BYTES_CONFIG = "punctual.rocksdb.total.bytes";
    /** Streams config key: bytes of the cache that memtables may take. */
    public static final String WRITE_BUFFER_BYTES_CONFIG = "punctual.rocksdb.write.buffer.bytes";
    /** Index and filter blocks go to the high-priority pool, so data blocks do not evict them. */
    private static final double HIGH_PRIORITY_POOL_RATIO = 0.1;

    private static Shared shared;

    /** The cache and write buffer manager of this JVM, created with the first store's sizes. */
    record Shared(Cache cache, WriteBufferManager writeBufferManager, long totalBytes, long writeBufferBytes) {
    }

    static synchronized Shared shared(long totalBytes, long writeBufferBytes) {
        if (shared == null) {
            // Strict capacity would fail reads when pinned blocks exceed the cache; the memtables are bounded anyway.
            Cache cache = new LRUCache(totalBytes, -1, false, HIGH_PRIORITY_POOL_RATIO);
            shared = new Shared(cache, new WriteBufferManager(writeBufferBytes, cache), totalBytes, writeBufferBytes);
        }
        return shared;
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        long total = bytes(configs, TOTAL_BYTES_CONFIG, RocksDbMemory.DEFAULTS.totalBytes());
        long writeBuffers = bytes(configs, WRITE_BUFFER_BYTES_CONFIG, RocksDbMemory.DEFAULTS.writeBufferBytes());
        Shared memory = shared(total, writeBuffers);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(memory.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(memory.writeBufferManager());
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write buffer manager are shared by every store of the JVM: closing one store must not free them.
    }

    private static long bytes(Map<String, Object> configs, String key, long fallback) {
        Object value = configs.get(key);
        if (value == null) {
            return fallback;
        }
        long bytes = value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim());
        if (bytes <= 0) {
            throw new IllegalArgumentException(key + " must be positive: " + value);
        }
        return bytes;
    }
}
