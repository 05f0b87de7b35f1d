package io.punctual.planner.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.DueEvent;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The planner's meters. Labels are bounded sets (kind of fire, command outcome, rejection reason code), never a
 * schedule, tenant or agent id.
 */
public final class PlannerMeters {
    private static final PlannerMeters GLOBAL = new PlannerMeters(Metrics.globalRegistry);
    /** Rejection reasons are short codes; anything else is folded into "other" so a label cannot explode. */
    private static final Pattern REASON_CODE = Pattern.compile("[a-z][a-z0-9_.-]{0,39}");

    private final MeterRegistry registry;
    private final Map<String, Counter> fires = new ConcurrentHashMap<>();
    private final Map<String, Counter> commands = new ConcurrentHashMap<>();
    private final Timer emitLag;
    private final Timer punctuation;
    private final DistributionSummary firesPerPunctuation;
    private final Counter commandDeadLetters;

    PlannerMeters(MeterRegistry registry) {
        this.registry = registry;
        this.emitLag = Timer.builder("punctual.planner.fire.lag")
                .description("Time from a fire's due time to the planner emitting it")
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
        this.punctuation = Timer.builder("punctual.planner.punctuation")
                .description("Duration of one punctuation (scan of the timeline and retry timers, emission of due fires)")
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        this.firesPerPunctuation = DistributionSummary.builder("punctual.planner.punctuation.fires")
                .description("Fires and retries one punctuation emitted").publishPercentileHistogram()
                .maximumExpectedValue(1_000_000.0).register(registry);
        this.commandDeadLetters = Counter.builder("punctual.planner.commands.dead.letters")
                .description("Command records set aside on punctual.commands.dlq").register(registry);
    }

    /** Records into Micrometer's global registry (see {@code GlobalMeters}). */
    public static PlannerMeters global() {
        return GLOBAL;
    }

    public MeterRegistry registry() {
        return registry;
    }

    void fireEmitted(DueEvent fire, long nowMs) {
        String kind = fire.getManual() ? "manual" : fire.getAttempt() > 1 ? "retry" : "scheduled";
        fires.computeIfAbsent(kind, k -> Counter.builder("punctual.planner.fires.emitted")
                .description("Due events emitted to punctual.due").tag("kind", k).register(registry)).increment();
        if (!fire.getManual() && fire.getAttempt() <= 1) {
            emitLag.record(Math.max(0, nowMs - fire.getScheduledFor().toEpochMilli()), TimeUnit.MILLISECONDS);
        }
    }

    void commandAnswered(CommandResult result) {
        String reason = result.getAccepted() ? "none" : reasonCode(result.getReason());
        String key = result.getAccepted() + "/" + reason;
        commands.computeIfAbsent(key, k -> Counter.builder("punctual.planner.commands")
                .description("Commands answered, by outcome and rejection reason")
                .tag("outcome", result.getAccepted() ? "applied" : "rejected").tag("reason", reason)
                .register(registry)).increment();
    }

    void commandDeadLettered() {
        commandDeadLetters.increment();
    }

    void punctuated(long nanos, int emitted) {
        punctuation.record(nanos, TimeUnit.NANOSECONDS);
        firesPerPunctuation.record(emitted);
    }

    static String reasonCode(String reason) {
        if (reason == null || reason.isBlank()) {
            return "unspecified";
        }
        String code = reason.trim().toLowerCase(Locale.ROOT);
        return REASON_CODE.matcher(code).matches() ? code : "other";
    }
}
