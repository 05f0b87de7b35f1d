package io.punctual.planner;

import io.punctual.planner.command.SpecGuard;
import io.punctual.planner.lifecycle.LifecycleSettings;
import io.punctual.planner.metrics.ScheduleCensus;
import io.punctual.planner.quota.QuotaCredits;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.QuotaEvent;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.SchedulesTopicCopy;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.punctual.planner.TestCommands.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A busy tenant's creates that find no credit while the task's ask for one is out are held, not sent to the quota one
 * by one, and let go in order by the answer: from the grant, or to the quota after a refusal, an overdue answer or a
 * restart. The task here is the processor over a mock context, so the quota's answers come when the test gives them
 * (a TopologyTestDriver answers every request before the next command is read, so nothing would be held).
 */
class HeldCreatesTaskTest extends PlannerTestBase {
    private static final Duration IDLE = Duration.ofSeconds(1);
    private static final Instant AT = PlannerHarness.START.plus(Duration.ofDays(1));
    private static final LifecycleSettings LIFECYCLE = LifecycleSettings.defaults().withMaxSchedulesPerTenant(100_000).withQuotaCredit(100, IDLE);

    /** The task's stores, as its changelogs restore them on any instance (in memory here). */
    private final Map<String, KeyValueStore<?, ?>> stores = Map.of(
            PlannerTopology.SCHEDULES_STORE, store(PlannerTopology.SCHEDULES_STORE, Serdes.String(), Serdes.ByteArray()),
            PlannerTopology.TIMELINE_STORE, store(PlannerTopology.TIMELINE_STORE, Serdes.Bytes(), Serdes.ByteArray()),
            PlannerTopology.PURGES_STORE, store(PlannerTopology.PURGES_STORE, Serdes.Bytes(), Serdes.ByteArray()),
            PlannerTopology.LOCAL_META_STORE, store(PlannerTopology.LOCAL_META_STORE, Serdes.String(), Serdes.String()),
            PlannerTopology.RETRIES_STORE, store(PlannerTopology.RETRIES_STORE, Serdes.Bytes(), Serdes.ByteArray()),
            PlannerTopology.APPLIED_RESULTS_STORE, store(PlannerTopology.APPLIED_RESULTS_STORE, Serdes.String(), Serdes.String()),
            PlannerTopology.META_STORE, store(PlannerTopology.META_STORE, Serdes.String(), Serdes.String()),
            PlannerTopology.QUOTA_CREDITS_STORE, store(PlannerTopology.QUOTA_CREDITS_STORE, Serdes.String(), Serdes.Long()),
            PlannerTopology.QUOTA_HELD_STORE, store(PlannerTopology.QUOTA_HELD_STORE, Serdes.String(), Serdes.ByteArray()));
    private final SchedulesTopicCopy schedulesLog = new SchedulesTopicCopy();

    @Test
    void theGrantLetsTheHeldCreatesGoInOrderFromTheCredit() {
        Task task = new Task(PlannerHarness.START);
        for (int i = 0; i < 10; i++) {
            task.command(create("c-" + i));
        }
        // c-0 alone (a one-off create reserves nothing), c-1 with the ask; the other eight wait for its answer.
        List<QuotaEvent> requests = task.requests();
        assertThat(requests).extracting(QuotaEvent::getScheduleId).containsExactly("c-0", "c-1");
        assertThat(task.wanted(1)).isEqualTo(100);
        assertThat(held()).isEqualTo(8);
        assertThat(task.results()).isEmpty();

        task.admitted(requests.get(0), null);
        assertThat(task.results()).extracting(CommandResult::getScheduleId).as("no credit yet: still held").containsExactly("c-0");
        task.admitted(requests.get(1), 100L);
        assertThat(task.results()).extracting(CommandResult::getScheduleId)
                .containsExactly("c-0", "c-1", "c-2", "c-3", "c-4", "c-5", "c-6", "c-7", "c-8", "c-9");
        assertThat(task.results()).allSatisfy(result -> assertThat(result.getAccepted()).isTrue());
        assertThat(task.requests()).as("every held create took a place of the credit").hasSize(2);
        assertThat(held()).isZero();
        assertThat(credits().get(TENANT)).isEqualTo(92L);
    }

    @Test
    void aRefusalOrAnOverdueAnswerSendsTheHeldCreatesToTheQuotaOneByOne() {
        Task task = new Task(PlannerHarness.START);
        for (int i = 0; i < 5; i++) {
            task.command(create("r-" + i));
        }
        assertThat(held()).isEqualTo(3);
        // The asking create refused (the tenant at its limit): its answer is a record without a value.
        task.refused(task.requests().get(1).getScheduleId());
        assertThat(task.requests()).extracting(QuotaEvent::getScheduleId).containsExactly("r-0", "r-1", "r-2", "r-3", "r-4");
        assertThat(held()).isZero();

        // On an instance that has no refusal to remember, an ask that stays unanswered: its held creates wait past
        // the idle time (an answer behind a backlog takes longer) and go to the quota once the patience is over,
        // asking for nothing (places asked for then would only count against the tenant's limit, unused).
        Task later = new Task(PlannerHarness.START.plusSeconds(10));
        for (int i = 0; i < 4; i++) {
            later.command(create("o-" + i));
        }
        assertThat(held()).isEqualTo(2);
        later.punctuate(IDLE.plusMillis(1));
        later.punctuate(QuotaCredits.ANSWER_PATIENCE.minusMillis(1));
        assertThat(held()).isEqualTo(2);
        later.punctuate(QuotaCredits.ANSWER_PATIENCE);
        assertThat(later.requests()).extracting(QuotaEvent::getScheduleId).containsExactly("o-0", "o-1", "o-2", "o-3");
        assertThat(later.wanted(1)).isEqualTo(100);
        assertThat(later.wanted(2)).as("a flushed create asks for nothing").isZero();
        assertThat(later.wanted(3)).as("a flushed create asks for nothing").isZero();
        assertThat(held()).isZero();
    }

    @Test
    void createsHeldWhenTheTaskStoppedGoToTheQuotaAtItsFirstPunctuationAfterwards() {
        Task before = new Task(PlannerHarness.START);
        for (int i = 0; i < 5; i++) {
            before.command(create("h-" + i));
        }
        assertThat(held()).isEqualTo(3);

        // Another instance takes the task over, with its stores as the changelogs restore them: no ask of its is out.
        Task after = new Task(PlannerHarness.START.plusSeconds(5));
        assertThat(after.requests()).isEmpty();
        after.punctuate(Duration.ZERO);
        assertThat(after.requests()).extracting(QuotaEvent::getScheduleId).containsExactly("h-2", "h-3", "h-4");
        assertThat(List.of(after.wanted(0), after.wanted(1), after.wanted(2))).as("flushed creates ask for nothing").containsOnly(0L);
        assertThat(held()).isZero();
        // Decoded from the store's bytes: the command the client wrote.
        assertThat(after.requests().get(0).getCommand()).isEqualTo(ByteBuffer.wrap(serdes.valueSerde(Topics.COMMANDS).serializer()
                .serialize(Topics.COMMANDS.name(), before.sent.get(2))));
    }

    @Test
    void withHoldingOffEachCreateWithoutCreditGoesToTheQuotaAsBefore() {
        Task task = new Task(PlannerHarness.START, LIFECYCLE.withQuotaHold(false));
        for (int i = 0; i < 10; i++) {
            task.command(create("n-" + i));
        }
        assertThat(task.requests()).hasSize(10);
        assertThat(held()).isZero();
    }

    private static ScheduleCommand create(String id) {
        return TestCommands.createOnce(id, "agent-" + id, AT);
    }

    private long held() {
        return stores.get(PlannerTopology.QUOTA_HELD_STORE).approximateNumEntries();
    }

    @SuppressWarnings("unchecked")
    private KeyValueStore<String, Long> credits() {
        return (KeyValueStore<String, Long>) stores.get(PlannerTopology.QUOTA_CREDITS_STORE);
    }

    /** One instance's processor of the task, over the task's stores. */
    private final class Task {
        final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
        final PlannerProcessor processor;
        final List<ScheduleCommand> sent = new ArrayList<>();
        private final long startMs;
        private long offset;

        Task(Instant now) {
            this(now, LIFECYCLE);
        }

        Task(Instant now, LifecycleSettings lifecycle) {
            processor = new PlannerProcessor(serdes, PlannerSettings.defaults().withStateDir(stateDir).withFireLead(Duration.ZERO),
                    SpecGuard.none(), lifecycle, config -> schedulesLog.consumer(), new ScheduleCensus(serdes.registry()));
            stores.values().forEach(context::addStateStore);
            startMs = now.toEpochMilli();
            context.setCurrentSystemTimeMs(startMs);
            processor.init(context);
        }

        void command(ScheduleCommand command) {
            sent.add(command);
            context.setRecordMetadata(Topics.COMMANDS.name(), 0, offset++);
            byte[] bytes = serdes.valueSerde(Topics.COMMANDS).serializer().serialize(Topics.COMMANDS.name(), command);
            processor.process(new Record<>(command.getScheduleId(), bytes, context.currentSystemTimeMs()));
        }

        /** The quota's admitted copy of a request, with the credit it granted (null: the request asked for none). */
        void admitted(QuotaEvent request, Long granted) {
            Headers headers = new RecordHeaders();
            if (granted != null) {
                QuotaCredits.withNumber(headers, QuotaCredits.GRANTED_HEADER, granted);
            }
            ByteBuffer command = request.getCommand().duplicate();
            byte[] bytes = new byte[command.remaining()];
            command.get(bytes);
            context.setRecordMetadata(Topics.QUOTA_ADMITTED.name(), 0, offset++);
            processor.process(new Record<>(request.getScheduleId(), bytes, context.currentSystemTimeMs(), headers));
        }

        /** The quota's answer to an ask whose create it refused. */
        void refused(String scheduleId) {
            Headers headers = QuotaCredits.withNumber(new RecordHeaders(), QuotaCredits.GRANTED_HEADER, 0)
                    .add(QuotaCredits.REFUSED_ANSWER, TENANT.getBytes(StandardCharsets.UTF_8));
            context.setRecordMetadata(Topics.QUOTA_ADMITTED.name(), 0, offset++);
            processor.process(new Record<>(scheduleId, null, context.currentSystemTimeMs(), headers));
        }

        void punctuate(Duration afterStart) {
            context.setCurrentSystemTimeMs(startMs + afterStart.toMillis());
            context.scheduledPunctuators().get(0).getPunctuator().punctuate(context.currentSystemTimeMs());
        }

        List<QuotaEvent> requests() {
            return context.forwarded(PlannerTopology.QUOTA_SINK).stream().map(f -> (QuotaEvent) f.record().value())
                    .filter(event -> event.getCommand() != null).toList();
        }

        long wanted(int request) {
            return QuotaCredits.number(context.forwarded(PlannerTopology.QUOTA_SINK).stream()
                    .filter(f -> ((QuotaEvent) f.record().value()).getCommand() != null).toList().get(request).record().headers(),
                    QuotaCredits.WANTED_HEADER);
        }

        List<CommandResult> results() {
            return context.forwarded(PlannerTopology.COMMAND_RESULTS_SINK).stream().map(f -> (CommandResult) f.record().value()).toList();
        }
    }

    private static <K, V> KeyValueStore<K, V> store(String name, Serde<K> keys, Serde<V> values) {
        KeyValueStore<K, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, values)
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }
}
