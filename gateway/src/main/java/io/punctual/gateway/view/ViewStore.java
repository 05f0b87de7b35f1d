package io.punctual.gateway.view;

import org.apache.kafka.common.TopicPartition;
import org.rocksdb.AbstractWriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.IndexType;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The gateway's read views on disk: one RocksDB with a column family per view and index, and the topic offsets
 * the views were built to, written in the same atomic batch as the records they cover. A restart therefore
 * resumes each topic where its last batch ended instead of replaying it. The heap holds a bounded block cache
 * and memtables, whatever the number of schedules and runs.
 *
 * <p>No write-ahead log: everything here can be read again from Kafka, so what a crash loses is only what was still
 * in the memtables, and the store is then exactly as it was at its last flush, offsets included, because every
 * column family is flushed at once (atomic flush). The restart reads that part of the topics again (at most the
 * memtables' 64 MB of writes). A clean stop flushes first and loses nothing. The log cost every write a second copy
 * of its bytes, and its size bound forced a flush of every column family each 32 MB of writes: 69 small flushes
 * in a burst benchmark of 200,000 fires, where the memtables' own size forces a few.
 */
public final class ViewStore implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private static final Logger LOG = LoggerFactory.getLogger(ViewStore.class);

    private static final long BLOCK_CACHE_BYTES = 128L << 20;
    /**
     * LZ4 rather than RocksDB's default, Snappy ("LZ4 is almost always better than Snappy", RocksDB's wiki on
     * compression; Snappy stays its default only for compatibility). The views' compactions were the largest part
     * of RocksDB's CPU in the planner row, 40 % of it Snappy compressing and 17 % decompressing. Each block records
     * its own compression, so files written with Snappy before stay readable and are rewritten with LZ4 as they
     * are compacted.
     */
    static final CompressionType COMPRESSION = CompressionType.LZ4_COMPRESSION;
    private static final long MEMTABLE_BYTES = 16L << 20;
    /** All memtables together, charged to the block cache: native memory stays under the cache size. */
    private static final long ALL_MEMTABLES_BYTES = 64L << 20;

    private final RocksDB db;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final LRUCache cache;
    private final BloomFilter bloom;
    private final WriteBufferManager writeBuffers;
    /** Shared by every write of the views (see the class comment for why without a log). */
    private final WriteOptions writeOptions = new WriteOptions().setDisableWAL(true);
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    final ColumnFamilyHandle schedules;
    final ColumnFamilyHandle byTenant;
    final ColumnFamilyHandle byAgent;
    final ColumnFamilyHandle deleted;
    final ColumnFamilyHandle counts;
    final ColumnFamilyHandle runs;
    final ColumnFamilyHandle runTenants;
    /** Runs oldest first by scheduled time (see {@link RunView}): the sweep reads only the runs past their age. */
    final ColumnFamilyHandle runAges;
    /** An upper bound of each schedule's runs, so the sweep trims only the schedules past their count. */
    final ColumnFamilyHandle runCounts;
    /** The schedules whose count passed the limit since the last sweep. */
    final ColumnFamilyHandle runTrims;
    /** Markers of what a store written by an earlier version has been given (the default column family). */
    final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle offsets;

    public ViewStore(Path directory) {
        this(directory, COMPRESSION);
    }

    /** A store whose new files are compressed with {@code compression} (tests: files an earlier version wrote). */
    ViewStore(Path directory, CompressionType compression) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the gateway state directory " + directory, e);
        }
        // A tenth of the cache is kept for index and filter blocks (high priority), so data blocks of a scan cannot
        // push them out and make every read load a file's whole index again.
        cache = new LRUCache(BLOCK_CACHE_BYTES, -1, false, 0.1);
        bloom = new BloomFilter(10);
        cfOptions = new ColumnFamilyOptions()
                .setWriteBufferSize(MEMTABLE_BYTES)
                .setMaxWriteBufferNumber(2)
                .setCompressionType(compression)
                // Bloom filters let a read by id skip the files that do not hold it, which matters most right after
                // a large ingest, while compaction still has many level-0 files to merge.
                // Partitioned index and filters: a file's index and filter are cut into 4 KB partitions under a small
                // pinned top level, so a read loads only the partitions it needs. Whole per-file index blocks (MBs at a
                // million schedules) outgrew the cache's high-priority part and were loaded again and again: a page
                // of 50 cost 2.8 ms of CPU at a million schedules against 0.9 ms at 50,000, most of it in multiGet.
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setCacheIndexAndFilterBlocks(true)
                        .setCacheIndexAndFilterBlocksWithHighPriority(true).setPinL0FilterAndIndexBlocksInCache(true)
                        .setIndexType(IndexType.kTwoLevelIndexSearch).setPartitionFilters(true).setMetadataBlockSize(4096)
                        .setPinTopLevelIndexAndFilter(true)
                        .setFilterPolicy(bloom));
        writeBuffers = new WriteBufferManager(ALL_MEMTABLES_BYTES, cache);
        // Atomic flush: without a log, the column families must reach disk together, or a crash could leave an index
        // or the offsets ahead of the views they describe.
        dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true).setMaxOpenFiles(256)
                .setWriteBufferManager(writeBuffers).setAtomicFlush(true);
        List<String> names = List.of("default", "schedules", "by-tenant", "by-agent", "deleted", "counts", "runs", "run-tenants", "offsets",
                "run-ages", "run-counts", "run-trims");
        List<ColumnFamilyDescriptor> descriptors = names.stream()
                .map(n -> new ColumnFamilyDescriptor(n.getBytes(StandardCharsets.UTF_8), cfOptions)).toList();
        try {
            db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot open the gateway state in " + directory + ": " + e.getMessage(), e);
        }
        schedules = handles.get(1);
        byTenant = handles.get(2);
        byAgent = handles.get(3);
        deleted = handles.get(4);
        counts = handles.get(5);
        runs = handles.get(6);
        runTenants = handles.get(7);
        offsets = handles.get(8);
        runAges = handles.get(9);
        runCounts = handles.get(10);
        runTrims = handles.get(11);
        meta = handles.get(0);
    }

    RocksDB db() {
        return db;
    }

    /**
     * Runs a use of the store, never concurrently with closing it (a native handle used after close crashes the
     * JVM); once closed, a use fails with IllegalStateException instead.
     */
    <T> T use(Supplier<T> action) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("The gateway's state is closed (shutting down)");
            }
            return action.get();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    void run(Runnable action) {
        use(() -> {
            action.run();
            return null;
        });
    }

    /** The offsets of the topic's partitions that the stored views cover (the next offset to read). */
    Map<TopicPartition, Long> offsets(String topic) {
        return use(() -> offsetsNow(topic));
    }

    private Map<TopicPartition, Long> offsetsNow(String topic) {
        Map<TopicPartition, Long> found = new HashMap<>();
        byte[] prefix = (topic + "\u0000").getBytes(StandardCharsets.UTF_8);
        try (RocksIterator it = db.newIterator(offsets)) {
            for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
                int partition = Integer.parseInt(new String(it.key(), prefix.length, it.key().length - prefix.length, StandardCharsets.UTF_8));
                found.put(new TopicPartition(topic, partition), ByteBuffer.wrap(it.value()).getLong());
            }
        }
        return found;
    }

    void putOffsets(AbstractWriteBatch batch, Map<TopicPartition, Long> positions) throws RocksDBException {
        for (Map.Entry<TopicPartition, Long> e : positions.entrySet()) {
            byte[] key = (e.getKey().topic() + "\u0000" + e.getKey().partition()).getBytes(StandardCharsets.UTF_8);
            batch.put(offsets, key, Keys.longBytes(e.getValue()));
        }
    }

    void write(WriteBatch batch) throws RocksDBException {
        db.write(writeOptions, batch);
    }

    /** The options of every write: the views' own and the run sweeps'. */
    WriteOptions writeOptions() {
        return writeOptions;
    }

    /** Bytes on disk of the live SST files, for the benchmark and metrics. */
    public long liveDataBytes() {
        return use(this::liveDataBytesNow);
    }

    private long liveDataBytesNow() {
        try {
            return Long.parseLong(db.getProperty("rocksdb.total-sst-files-size"));
        } catch (RocksDBException | NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            if (!lifecycle.writeLock().tryLock(10, TimeUnit.SECONDS)) {
                // Reads still running: leave the native store to the exiting process rather than crash it.
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (closed) {
            lifecycle.writeLock().unlock();
            return;
        }
        closed = true;
        lifecycle.writeLock().unlock();
        // Without a log the memtables are all that holds the latest writes: flushed, a restart reads nothing again.
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, handles);
        } catch (RocksDBException e) {
            LOG.warn("The gateway's state could not be flushed at close; the next start reads its last writes again from Kafka", e);
        }
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        writeOptions.close();
        dbOptions.close();
        cfOptions.close();
        bloom.close();
        writeBuffers.close();
        cache.close();
    }
}
