package io.punctual.planner.quota;

import io.punctual.planner.command.CommandCommits;
import io.punctual.schemas.command.Reasons;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.QuotaEvent;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * The single writer of each tenant's count of live (active and paused) schedules. Reads {@code punctual.quota},
 * keyed by tenant, so every event of one tenant reaches this one task in order: an admission and the count it checks
 * are one step, and two gateways (or two planner tasks) racing cannot both take the last place. The count includes
 * the places granted in advance to planner tasks ({@link QuotaCredits}) until they are used or given back.
 */
public final class QuotaProcessor implements Processor<String, byte[], String, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(QuotaProcessor.class);

    private final Deserializer<QuotaEvent> decoder;
    private final int maxSchedulesPerTenant;
    private final String countsStore;
    private final String admittedSink;
    private final String resultsSink;

    /** A create waits for its admission: fresh requests ask for a commit, as the planner's fresh commands do. */
    private final CommandCommits commits;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Long> counts;

    /**
     * @param maxSchedulesPerTenant the limit, 0 for none
     * @param countsStore           the store of tenant to live count
     * @param admittedSink          where admitted commands go (punctual.quota.admitted)
     * @param resultsSink           where refusals are answered (punctual.command-results)
     * @param commitInterval        the planner's commit interval (see {@link CommandCommits})
     * @param punctuateInterval     how often a pending ask for a commit is made at the latest
     */
    public QuotaProcessor(TopicSerdes serdes, int maxSchedulesPerTenant, String countsStore, String admittedSink, String resultsSink,
                          Duration commitInterval, Duration punctuateInterval) {
        this.decoder = serdes.valueSerde(Topics.QUOTA).deserializer();
        this.commits = new CommandCommits(commitInterval, punctuateInterval);
        this.maxSchedulesPerTenant = maxSchedulesPerTenant;
        this.countsStore = countsStore;
        this.admittedSink = admittedSink;
        this.resultsSink = resultsSink;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.counts = context.getStateStore(countsStore);
        context.schedule(commits.gap(), PunctuationType.WALL_CLOCK_TIME, nowMs -> {
            if (commits.takePending(nowMs)) {
                context.commit();
            }
        });
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        QuotaEvent event;
        try {
            event = decoder.deserialize(Topics.QUOTA.name(), record.value());
        } catch (RuntimeException e) {
            // Only the planner writes this topic; a record it cannot read is logged rather than stopping every tenant.
            LOG.error("Quota event {} could not be decoded; skipped", record.key(), e);
            return;
        }
        String tenant = event.getTenant();
        long count = countOf(tenant);
        long now = context.currentSystemTimeMs();
        // Asked for at a punctuation within a commit interval, unless a fresh command's ask below carries it first.
        commits.worked(now);
        if (event.getCommand() == null) {
            set(tenant, count + event.getDelta());
            return;
        }
        if (commits.handled(record.timestamp(), now)) {
            context.commit();
        }
        if (maxSchedulesPerTenant > 0 && count >= maxSchedulesPerTenant) {
            context.forward(new Record<>(event.getScheduleId(), refusal(event, now), now), resultsSink);
            if (record.headers().lastHeader(QuotaCredits.WANTED_HEADER) != null) {
                // The asking task holds the tenant's next creates until its ask is answered (HeldCreates): none granted.
                Headers answer = QuotaCredits.withNumber(new RecordHeaders(), QuotaCredits.GRANTED_HEADER, 0)
                        .add(QuotaCredits.REFUSED_ANSWER, tenant.getBytes(StandardCharsets.UTF_8));
                context.forward(new Record<>(event.getScheduleId(), null, commits.hopTimestamp(record.timestamp(), now), answer), admittedSink);
            }
            return;
        }
        Headers answer = new RecordHeaders();
        long granted = 0;
        if (record.headers().lastHeader(QuotaCredits.WANTED_HEADER) != null) {
            granted = grant(count, QuotaCredits.number(record.headers(), QuotaCredits.WANTED_HEADER));
            QuotaCredits.withNumber(answer, QuotaCredits.GRANTED_HEADER, granted);
        }
        set(tenant, count + 1 + granted);
        // With the command's time (see the planner's request): only a command written moments ago asks for a commit.
        context.forward(new Record<>(event.getScheduleId(), bytes(event.getCommand()), commits.hopTimestamp(record.timestamp(), now), answer),
                admittedSink);
    }

    /**
     * The places granted in advance with an admission (see {@link QuotaCredits}): what was asked while the tenant
     * stays at least twice that below its limit after it, none otherwise. Near the limit every create asks on its own,
     * so the last places go one by one, and a small limit is never reserved in advance.
     */
    private long grant(long count, long wanted) {
        long asked = Math.min(Math.max(wanted, 0), QuotaCredits.MAX_WANTED);
        return maxSchedulesPerTenant > 0 && count + 1 + 3 * asked <= maxSchedulesPerTenant ? asked : 0;
    }

    private long countOf(String tenant) {
        Long count = counts.get(tenant);
        return count == null ? 0 : count;
    }

    private void set(String tenant, long count) {
        if (count > 0) {
            counts.put(tenant, count);
        } else {
            counts.delete(tenant);
        }
    }

    private CommandResult refusal(QuotaEvent event, long now) {
        return CommandResult.newBuilder()
                .setCommandId(event.getCommandId())
                .setScheduleId(event.getScheduleId())
                .setAccepted(false)
                .setReason(Reasons.QUOTA_EXCEEDED)
                .setMessage("The tenant already holds the maximum of " + maxSchedulesPerTenant
                        + " active and paused schedules (max_schedules); delete some first.")
                .setVersion(null)
                .setState(null)
                .setProcessedAt(Instant.ofEpochMilli(now))
                .build();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
