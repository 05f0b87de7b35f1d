package io.punctual.planner.metrics;

import io.punctual.schemas.CommandResult;
import io.punctual.schemas.DueEvent;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.io.File;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Meters a processor from the outside: what it forwards to the due sink (fires), the command results sink (applied
 * or rejected, by reason) and the dead-letter sink, and how long each of its punctuations takes and how many fires
 * it emits. The processor itself stays free of metering code.
 */
public final class MeteredProcessor<KIn, VIn> implements Processor<KIn, VIn, String, Object> {
    private final Processor<KIn, VIn, String, Object> inner;
    private final PlannerMeters meters;
    private final String dueSink;
    private final String commandResultsSink;
    private final String deadLetterSink;

    public MeteredProcessor(Processor<KIn, VIn, String, Object> inner, PlannerMeters meters,
                            String dueSink, String commandResultsSink, String deadLetterSink) {
        this.inner = inner;
        this.meters = meters;
        this.dueSink = dueSink;
        this.commandResultsSink = commandResultsSink;
        this.deadLetterSink = deadLetterSink;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        inner.init(new MeteredContext(context));
    }

    @Override
    public void process(Record<KIn, VIn> record) {
        inner.process(record);
    }

    @Override
    public void close() {
        inner.close();
    }

    private final class MeteredContext implements ProcessorContext<String, Object> {
        private final ProcessorContext<String, Object> context;
        /** Fires forwarded by the punctuation under way; the stream thread is the only caller. */
        private int emittedInPunctuation;

        MeteredContext(ProcessorContext<String, Object> context) {
            this.context = context;
        }

        @Override
        public <K extends String, V> void forward(Record<K, V> record) {
            context.forward(record);
        }

        @Override
        public <K extends String, V> void forward(Record<K, V> record, String childName) {
            context.forward(record, childName);
            if (dueSink.equals(childName) && record.value() instanceof DueEvent fire) {
                emittedInPunctuation++;
                meters.fireEmitted(fire, context.currentSystemTimeMs());
            } else if (commandResultsSink.equals(childName) && record.value() instanceof CommandResult result) {
                meters.commandAnswered(result);
            } else if (deadLetterSink.equals(childName)) {
                meters.commandDeadLettered();
            }
        }

        @Override
        public Cancellable schedule(Duration interval, PunctuationType type, Punctuator punctuator) {
            return context.schedule(interval, type, timestamp -> {
                long started = System.nanoTime();
                emittedInPunctuation = 0;
                punctuator.punctuate(timestamp);
                meters.punctuated(System.nanoTime() - started, emittedInPunctuation);
            });
        }

        @Override
        public String applicationId() {
            return context.applicationId();
        }

        @Override
        public TaskId taskId() {
            return context.taskId();
        }

        @Override
        public Optional<RecordMetadata> recordMetadata() {
            return context.recordMetadata();
        }

        @Override
        public Serde<?> keySerde() {
            return context.keySerde();
        }

        @Override
        public Serde<?> valueSerde() {
            return context.valueSerde();
        }

        @Override
        public File stateDir() {
            return context.stateDir();
        }

        @Override
        public StreamsMetrics metrics() {
            return context.metrics();
        }

        @Override
        public <S extends StateStore> S getStateStore(String name) {
            return context.getStateStore(name);
        }

        @Override
        public void commit() {
            context.commit();
        }

        @Override
        public Map<String, Object> appConfigs() {
            return context.appConfigs();
        }

        @Override
        public Map<String, Object> appConfigsWithPrefix(String prefix) {
            return context.appConfigsWithPrefix(prefix);
        }

        @Override
        public long currentSystemTimeMs() {
            return context.currentSystemTimeMs();
        }

        @Override
        public long currentStreamTimeMs() {
            return context.currentStreamTimeMs();
        }
    }
}
