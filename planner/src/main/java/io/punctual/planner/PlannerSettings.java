package io.punctual.planner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the planner runs; built from {@link PlannerConfig}, where every key and default is.
 *
 * @param punctuateInterval      how often the timeline is scanned for due fires (wall-clock); bounds the delivery delay
 * @param maxFiresPerPunctuation most due events one scan emits, so a burst of fires cannot stall commands and commits;
 *                               the rest go out on the next scans
 * @param onceGrace              how far in the past a one-time schedule may be created and still fire (at once)
 * @param misfireThreshold       how late a fire may come due before it counts as missed (schedule paused, planner down
 *                               or far behind) and the schedule's catch-up policy decides what happens to it
 * @param applicationId          the Kafka Streams application id: consumer group, transactional id and topic prefix
 * @param stateDir               where RocksDB keeps the local copies of the stores
 * @param streamThreads          stream threads of this instance
 * @param commitInterval         how often a transaction is committed, so how long outputs wait to become visible
 * @param fireLead               how long before it is due a fire may be emitted; the executor holds it until then, so
 *                               neither the scan interval nor the commit interval delays a fire (zero: at its time)
 */
public record PlannerSettings(Duration punctuateInterval,
                              int maxFiresPerPunctuation,
                              Duration onceGrace,
                              Duration misfireThreshold,
                              String applicationId,
                              Path stateDir,
                              int streamThreads,
                              Duration commitInterval,
                              Duration fireLead) {

    public PlannerSettings {
        Objects.requireNonNull(punctuateInterval, "punctuateInterval");
        Objects.requireNonNull(onceGrace, "onceGrace");
        Objects.requireNonNull(misfireThreshold, "misfireThreshold");
        requirePositive(misfireThreshold, "misfireThreshold");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(commitInterval, "commitInterval");
        requirePositive(punctuateInterval, "punctuateInterval");
        requirePositive(commitInterval, "commitInterval");
        Objects.requireNonNull(fireLead, "fireLead");
        if (fireLead.isNegative()) {
            throw new IllegalArgumentException("fireLead must not be negative: " + fireLead);
        }
        if (onceGrace.isNegative()) {
            throw new IllegalArgumentException("onceGrace must not be negative: " + onceGrace);
        }
        if (maxFiresPerPunctuation < 1) {
            throw new IllegalArgumentException("maxFiresPerPunctuation must be at least 1: " + maxFiresPerPunctuation);
        }
        if (streamThreads < 1) {
            throw new IllegalArgumentException("streamThreads must be at least 1: " + streamThreads);
        }
        if (applicationId.isBlank()) {
            throw new IllegalArgumentException("applicationId must not be blank");
        }
    }

    /** The defaults of {@link PlannerConfig}, for code that runs without configuration (tests, benchmarks). */
    public static PlannerSettings defaults() {
        return new PlannerConfig().settings();
    }

    static Path defaultStateDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "punctual-planner");
    }

    PlannerSettings withPunctuateInterval(Duration value) {
        return new PlannerSettings(value, maxFiresPerPunctuation, onceGrace, misfireThreshold, applicationId, stateDir, streamThreads, commitInterval, fireLead);
    }

    public PlannerSettings withMaxFiresPerPunctuation(int value) {
        return new PlannerSettings(punctuateInterval, value, onceGrace, misfireThreshold, applicationId, stateDir, streamThreads, commitInterval, fireLead);
    }

    PlannerSettings withOnceGrace(Duration value) {
        return new PlannerSettings(punctuateInterval, maxFiresPerPunctuation, value, misfireThreshold, applicationId, stateDir, streamThreads, commitInterval, fireLead);
    }

    PlannerSettings withMisfireThreshold(Duration value) {
        return new PlannerSettings(punctuateInterval, maxFiresPerPunctuation, onceGrace, value, applicationId, stateDir, streamThreads, commitInterval, fireLead);
    }

    public PlannerSettings withApplicationId(String value) {
        return new PlannerSettings(punctuateInterval, maxFiresPerPunctuation, onceGrace, misfireThreshold, value, stateDir, streamThreads, commitInterval, fireLead);
    }

    public PlannerSettings withStateDir(Path value) {
        return new PlannerSettings(punctuateInterval, maxFiresPerPunctuation, onceGrace, misfireThreshold, applicationId, value, streamThreads, commitInterval, fireLead);
    }

    PlannerSettings withStreamThreads(int value) {
        return new PlannerSettings(punctuateInterval, maxFiresPerPunctuation, onceGrace, misfireThreshold, applicationId, stateDir, value, commitInterval, fireLead);
    }

    PlannerSettings withCommitInterval(Duration value) {
        return new PlannerSettings(punctuateInterval, maxFiresPerPunctuation, onceGrace, misfireThreshold, applicationId, stateDir, streamThreads, value, fireLead);
    }

    PlannerSettings withFireLead(Duration value) {
        return new PlannerSettings(punctuateInterval, maxFiresPerPunctuation, onceGrace, misfireThreshold, applicationId, stateDir, streamThreads, commitInterval, value);
    }

    private static void requirePositive(Duration d, String name) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
