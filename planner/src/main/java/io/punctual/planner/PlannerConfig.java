package io.punctual.planner;

import io.micronaut.core.convert.format.ReadableBytes;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.punctual.planner.lifecycle.LifecycleSettings;
import io.punctual.planner.state.RocksDbMemory;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Every {@code punctual.planner.*} setting with its default, written here once; {@link PlannerSettings} and
 * {@link LifecycleSettings} (the plain-Java face tests use) are built from it. Each key is a Micronaut property, so
 * the upper-cased, underscored environment variable overrides it ({@code PUNCTUAL_PLANNER_COMMIT_INTERVAL}). The
 * README's configuration table lists them; {@code ReadmeConfigurationTest} keeps the two in step.
 */
@ConfigurationProperties("punctual.planner")
public class PlannerConfig {
    /** The Kafka Streams application id: consumer group, transactional id and prefix of the internal topics. */
    private String applicationId = "punctual-planner";
    /** Where RocksDB keeps the local copies of the stores; empty: {@link PlannerSettings#defaultStateDir()}. */
    private String stateDir;
    /**
     * How often the timeline is scanned for due fires (wall-clock); bounds the delivery delay. 25 ms: a scan that
     * emits fires commits at once (fire/ScanCommits), so the scan is most of a fire's delay (steady 1,000 fires/s:
     * p99 132 ms at 25 ms, 213 ms at 100 ms); an idle standalone spends 14 ms more CPU a second on it.
     */
    private Duration punctuateInterval = Duration.ofMillis(25);
    /** Most due events one scan (one transaction) emits; the rest go out on the next scans. */
    private int maxFiresPerPunctuation = 10_000;
    /**
     * Stream threads of this instance. Two: a stream thread applies nothing while it commits (under exactly-once a
     * commit waits for its records' flush and the coordinator's round trips, 44 % of a lone thread's time under 256
     * creates in flight), so with two one applies while the other commits, and each scans its own tasks' timelines.
     * On a 2-core machine against one thread, the same hour: creates at 256 in flight 5,115 and 4,849/s against
     * 4,427 and 4,270 (p50 46-48 ms against 57-58), a burst of 100,000 fires 7,833 fires/s against 6,208. A thread
     * costs a producer and a consumer; tasks never outnumber the partitions, so more threads than partitions idle.
     */
    private int streamThreads = 2;
    /** How often a transaction is committed, so how long outputs wait to become visible. */
    private Duration commitInterval = Duration.ofMillis(100);
    /**
     * How long before it is due a fire may be emitted; the executor holds it until its time, so the scan and commit
     * intervals above do not delay it (500ms covers both with room to spare). 0, the default: emitted when due. Off
     * by default: a pause or change within the lead no longer stops that fire, a choice for the deployment (README,
     * Fire lead).
     */
    private Duration fireLead = Duration.ZERO;
    /** How far in the past a one-time schedule may be created and still fire (at once). */
    private Duration onceGrace = Duration.ofSeconds(60);
    /** How late a fire may come due before it counts as missed and its schedule's catch-up policy decides. */
    private Duration misfireThreshold = Duration.ofSeconds(60);
    /** How long a completed schedule is kept before the planner deletes it (unless it asks to be deleted at once). */
    private Duration completedRetention = LifecycleSettings.DEFAULT_COMPLETED_RETENTION;
    /** Most active and paused schedules one tenant may hold (0: no limit). */
    private int maxSchedulesPerTenant = LifecycleSettings.DEFAULT_MAX_SCHEDULES_PER_TENANT;
    /** Places of a busy tenant's quota a planner task first asks for in advance, so its creates skip the quota's hops (0: none). */
    private int quotaCredit = LifecycleSettings.DEFAULT_QUOTA_CREDIT;
    /** How long a planner task holds such places unused before it gives them back. */
    private Duration quotaCreditIdle = LifecycleSettings.DEFAULT_QUOTA_CREDIT_IDLE;
    /** Whether a planner task holds a busy tenant's creates while its ask for places is out (off for a rolling upgrade from an earlier version). */
    private boolean quotaHold = true;
    /** Whether the planner checks that a command's ciphertexts decrypt for its schedule and the key belongs to its tenant. */
    private boolean checkKeys = true;
    private Rocksdb rocksdb = new Rocksdb();

    public PlannerSettings settings() {
        return new PlannerSettings(punctuateInterval, maxFiresPerPunctuation, onceGrace, misfireThreshold, applicationId,
                stateDir == null || stateDir.isBlank() ? PlannerSettings.defaultStateDir() : Path.of(stateDir), streamThreads, commitInterval, fireLead);
    }

    public LifecycleSettings lifecycle() {
        return new LifecycleSettings(completedRetention, maxSchedulesPerTenant, quotaCredit, quotaCreditIdle, quotaHold);
    }

    public String getApplicationId() {
        return applicationId;
    }

    public void setApplicationId(String applicationId) {
        this.applicationId = applicationId;
    }

    public String getStateDir() {
        return stateDir;
    }

    public void setStateDir(String stateDir) {
        this.stateDir = stateDir;
    }

    public Duration getPunctuateInterval() {
        return punctuateInterval;
    }

    public void setPunctuateInterval(Duration punctuateInterval) {
        this.punctuateInterval = punctuateInterval;
    }

    public int getMaxFiresPerPunctuation() {
        return maxFiresPerPunctuation;
    }

    public void setMaxFiresPerPunctuation(int maxFiresPerPunctuation) {
        this.maxFiresPerPunctuation = maxFiresPerPunctuation;
    }

    public int getStreamThreads() {
        return streamThreads;
    }

    public void setStreamThreads(int streamThreads) {
        this.streamThreads = streamThreads;
    }

    public Duration getCommitInterval() {
        return commitInterval;
    }

    public void setCommitInterval(Duration commitInterval) {
        this.commitInterval = commitInterval;
    }

    public Duration getFireLead() {
        return fireLead;
    }

    public void setFireLead(Duration fireLead) {
        this.fireLead = fireLead;
    }

    public Duration getOnceGrace() {
        return onceGrace;
    }

    public void setOnceGrace(Duration onceGrace) {
        this.onceGrace = onceGrace;
    }

    public Duration getMisfireThreshold() {
        return misfireThreshold;
    }

    public void setMisfireThreshold(Duration misfireThreshold) {
        this.misfireThreshold = misfireThreshold;
    }

    public Duration getCompletedRetention() {
        return completedRetention;
    }

    public void setCompletedRetention(Duration completedRetention) {
        this.completedRetention = completedRetention;
    }

    public int getMaxSchedulesPerTenant() {
        return maxSchedulesPerTenant;
    }

    public void setMaxSchedulesPerTenant(int maxSchedulesPerTenant) {
        this.maxSchedulesPerTenant = maxSchedulesPerTenant;
    }

    public int getQuotaCredit() {
        return quotaCredit;
    }

    public void setQuotaCredit(int quotaCredit) {
        this.quotaCredit = quotaCredit;
    }

    public Duration getQuotaCreditIdle() {
        return quotaCreditIdle;
    }

    public void setQuotaCreditIdle(Duration quotaCreditIdle) {
        this.quotaCreditIdle = quotaCreditIdle;
    }

    public boolean isQuotaHold() {
        return quotaHold;
    }

    public void setQuotaHold(boolean quotaHold) {
        this.quotaHold = quotaHold;
    }

    public boolean isCheckKeys() {
        return checkKeys;
    }

    public void setCheckKeys(boolean checkKeys) {
        this.checkKeys = checkKeys;
    }

    public Rocksdb getRocksdb() {
        return rocksdb;
    }

    public void setRocksdb(Rocksdb rocksdb) {
        this.rocksdb = rocksdb;
    }

    /** {@code punctual.planner.rocksdb.*}: the off-heap bound of all RocksDB stores of a planner process (e.g. 256MB). */
    @ConfigurationProperties("rocksdb")
    public static class Rocksdb {
        /** One shared block cache, memtables included. */
        private long memory = RocksDbMemory.DEFAULTS.totalBytes();
        /** The part of {@code memory} that memtables may take. */
        private long writeBufferMemory = RocksDbMemory.DEFAULTS.writeBufferBytes();

        public RocksDbMemory bound() {
            return new RocksDbMemory(memory, writeBufferMemory);
        }

        public long getMemory() {
            return memory;
        }

        public void setMemory(@ReadableBytes long memory) {
            this.memory = memory;
        }

        public long getWriteBufferMemory() {
            return writeBufferMemory;
        }

        public void setWriteBufferMemory(@ReadableBytes long writeBufferMemory) {
            this.writeBufferMemory = writeBufferMemory;
        }
    }
}
