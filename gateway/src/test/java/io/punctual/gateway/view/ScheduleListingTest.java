package io.punctual.gateway.view;

import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.punctual.gateway.view.ViewFixtures.SCHEDULES;
import static io.punctual.gateway.view.ViewFixtures.record;
import static io.punctual.gateway.view.ViewFixtures.schedule;
import static org.assertj.core.api.Assertions.assertThat;

/** Listing from the on-disk indexes: cursors that neither skip nor repeat under concurrent writes, filters, counts. */
class ScheduleListingTest {
    @RegisterExtension
    final OpenScheduleView open = new OpenScheduleView();

    private void put(List<ScheduleState> states) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        states.forEach(s -> records.add(record(SCHEDULES, s.getScheduleId(), s)));
        open.view().applyRecords(records, ViewFixtures.position(SCHEDULES));
    }

    private static String id(int n) {
        return String.format("sch_%06d", n);
    }

    @Test
    void aCursorNeitherSkipsNorRepeatsWhileSchedulesAreCreatedAndDeleted() throws Exception {
        List<ScheduleState> initial = new ArrayList<>();
        for (int i = 0; i < 2000; i += 2) {
            initial.add(schedule(id(i), "t1", "agent-1", true, ScheduleStatus.ACTIVE, 1, Map.of()));
        }
        put(initial);
        Set<String> deleted = ConcurrentHashMap.newKeySet();
        AtomicBoolean paging = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (paging.get()) {
                // Creates land between existing ids (odd numbers), deletes hit existing ones, all over the key range.
                int n = random.nextInt(1000);
                put(List.of(schedule(id(2 * n + 1), "t1", "agent-1", true, ScheduleStatus.ACTIVE, 1, Map.of())));
                String victim = id(2 * random.nextInt(1000));
                deleted.add(victim);
                open.view().applyRecords(List.of(record(SCHEDULES, victim, null)), ViewFixtures.position(SCHEDULES));
                writes.incrementAndGet();
            }
        });
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            // Between two pages the writer lands at least one create and one delete, however the threads are
            // scheduled: without this a fast reader could page through before the writer first ran.
            int before = writes.get();
            while (writes.get() == before && !writer.isDone()) {
                Thread.onSpinWait();
            }
            ScheduleView.Page page = open.view().page("t1", null, after, 37, s -> true);
            page.items().forEach(s -> seen.add(s.getScheduleId()));
            after = page.after();
            pages++;
        } while (after != null);
        paging.set(false);
        writer.get();

        assertThat(new HashSet<>(seen)).as("no item repeated").hasSameSizeAs(seen);
        assertThat(seen).as("in id order").isSorted();
        Set<String> mustSee = new HashSet<>();
        initial.forEach(s -> mustSee.add(s.getScheduleId()));
        mustSee.removeAll(deleted);
        assertThat(seen).as("every schedule that existed throughout is listed").containsAll(mustSee);
        assertThat(writes.get()).as("writes interleaved with every page").isGreaterThanOrEqualTo(pages);
    }

    @Test
    void filtersReadTheIndexAndASparseFilterStillEndsEachPageWithACursor() {
        List<ScheduleState> states = new ArrayList<>();
        for (int i = 0; i < ScheduleView.SCAN_BUDGET + 500; i++) {
            boolean last = i == ScheduleView.SCAN_BUDGET + 499;
            states.add(schedule(id(i), "t2", last ? "agent-9" : "agent-1", !last,
                    last ? ScheduleStatus.PAUSED : ScheduleStatus.ACTIVE, 1, last ? Map.of("team", "ops") : Map.of()));
        }
        put(states);
        assertThat(open.view().countOf("t2")).isEqualTo(ScheduleView.SCAN_BUDGET + 500);

        ScheduleView.Page first = open.view().page("t2", null, null, 10, s -> s.status().equals("paused"));
        assertThat(first.items()).as("the budget ends the page before the match").isEmpty();
        assertThat(first.after()).isNotNull();
        ScheduleView.Page second = open.view().page("t2", null, first.after(), 10, s -> s.status().equals("paused"));
        assertThat(second.items()).extracting(ScheduleState::getScheduleId).containsExactly(id(ScheduleView.SCAN_BUDGET + 499));
        assertThat(second.after()).isNull();

        assertThat(open.view().page("t2", "agent-9", null, 10, s -> true).items()).as("the agent index").hasSize(1);
        assertThat(open.view().page("t2", "agent-9", null, 10, s -> "ops".equals(s.labels().get("team")) && s.type().equals("once")).items()).hasSize(1);
        assertThat(open.view().page("t3", null, null, 10, s -> true).items()).as("another tenant").isEmpty();
    }

    @Test
    void recordsWithoutAKeyDoNotStopTheirBatch() {
        ScheduleState keyless = schedule("sch_k", "t5", "agent-1", true, ScheduleStatus.ACTIVE, 1, Map.of());
        open.view().applyRecords(List.of(record(SCHEDULES, null, null), record(SCHEDULES, null, keyless),
                record(SCHEDULES, "sch_m", schedule("sch_m", "t5", "agent-1", true, ScheduleStatus.ACTIVE, 1, Map.of()))),
                ViewFixtures.position(SCHEDULES));
        assertThat(open.view().get("sch_k")).as("a state carries its id").isPresent();
        assertThat(open.view().get("sch_m")).isPresent();
        assertThat(open.view().countOf("t5")).isEqualTo(2);
    }

    @Test
    void anOlderRecordNeverReplacesANewerStateNorBringsBackADeletedOne() {
        put(List.of(schedule("sch_x", "t4", "agent-1", true, ScheduleStatus.ACTIVE, 3, Map.of())));
        put(List.of(schedule("sch_x", "t4", "agent-1", true, ScheduleStatus.PAUSED, 2, Map.of())));
        assertThat(open.view().get("sch_x")).get().extracting(ScheduleState::getVersion).isEqualTo(3L);
        put(List.of(schedule("sch_x", "t4", "agent-1", true, ScheduleStatus.DELETED, 4, Map.of())));
        put(List.of(schedule("sch_x", "t4", "agent-1", true, ScheduleStatus.ACTIVE, 3, Map.of())));
        assertThat(open.view().get("sch_x")).isEmpty();
        assertThat(open.view().countOf("t4")).isZero();
        assertThat(open.view().page("t4", "agent-1", null, 10, s -> true).items()).isEmpty();
    }

    @Test
    void aNewStateKeepsOneEntryPerIndexAndAMovedScheduleLeavesItsOldAgent() {
        put(List.of(schedule("sch_a", "t6", "agent-1", true, ScheduleStatus.ACTIVE, 1, Map.of()),
                schedule("sch_b", "t6", "agent-1", true, ScheduleStatus.ACTIVE, 1, Map.of())));
        // In one batch and across batches: a state of the same agent (a fire, a result), then a move to another agent.
        put(List.of(schedule("sch_a", "t6", "agent-1", true, ScheduleStatus.PAUSED, 2, Map.of()),
                schedule("sch_a", "t6", "agent-2", true, ScheduleStatus.PAUSED, 3, Map.of())));
        put(List.of(schedule("sch_b", "t6", "agent-1", true, ScheduleStatus.PAUSED, 2, Map.of("k", "v"))));

        assertThat(ids(open.view().page("t6", "agent-1", null, 10, s -> true))).containsExactly("sch_b");
        assertThat(ids(open.view().page("t6", "agent-2", null, 10, s -> true))).containsExactly("sch_a");
        assertThat(ids(open.view().page("t6", null, null, 10, s -> true))).containsExactly("sch_a", "sch_b");
        assertThat(open.view().page("t6", "agent-1", null, 10, s -> s.status().equals("paused") && "v".equals(s.labels().get("k"))).items())
                .as("the agent's entry is the newest state's").hasSize(1);
        assertThat(open.view().countOf("t6")).isEqualTo(2);
    }

    private static List<String> ids(ScheduleView.Page page) {
        return page.items().stream().map(ScheduleState::getScheduleId).toList();
    }
}
