package io.punctual.planner.state;

import org.apache.kafka.streams.StreamsConfig;

import java.util.Map;

/**
 * The bound on the planner's off-heap memory: all RocksDB stores of a process share {@code totalBytes} of block
 * cache, of which memtables may take {@code writeBufferBytes}. Size a container as heap + {@code totalBytes} +
 * JVM overhead.
 */
public record RocksDbMemory(long totalBytes, long writeBufferBytes) {
    public static final RocksDbMemory DEFAULTS = new RocksDbMemory(256L << 20, 64L << 20);

    public RocksDbMemory {
        if (totalBytes <= 0 || writeBufferBytes <= 0) {
            throw new IllegalArgumentException("RocksDB memory sizes must be positive: " + totalBytes + ", " + writeBufferBytes);
        }
        if (writeBufferBytes > totalBytes) {
            throw new IllegalArgumentException("RocksDB write buffer memory (" + writeBufferBytes
                    + ") must fit in the total RocksDB memory (" + totalBytes + ")");
        }
    }

    /** The Kafka Streams properties that install {@link BoundedRocksDbMemory} with these sizes. */
    public Map<String, Object> streamsProperties() {
        return Map.of(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class,
                BoundedRocksDbMemory.TOTAL_BYTES_CONFIG, totalBytes,
                BoundedRocksDbMemory.WRITE_BUFFER_BYTES_CONFIG, writeBufferBytes);
    }
}
