package io.punctual.planner.quota;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The credit bookkeeping of one planner task, apart from Kafka Streams: when it asks, what it holds, what goes back. */
class QuotaCreditsTest {
    private static final long IDLE = 1_000;
    private KeyValueStore<String, Long> store;

    @BeforeEach
    void store() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("quota-credits"), Serdes.String(), Serdes.Long())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    @Test
    void aTenantAsksOnlyOnceBusyAndOnlyOnceAtATimeUntilTheAnswerOrTheIdleTime() {
        QuotaCredits credits = new QuotaCredits(store, 100, IDLE, 0);

        assertThat(wanted(credits.takeOrRequest("t", 0))).as("a first, lone create").isZero();
        assertThat(wanted(credits.takeOrRequest("t", 10))).as("busy now").isEqualTo(100);
        assertThat(wanted(credits.takeOrRequest("t", 20))).as("an ask outstanding").isZero();
        assertThat(wanted(credits.takeOrRequest("t", 10 + IDLE))).as("no answer within the idle time: asks again").isEqualTo(100);

        credits.received("t", granted(0), 10 + IDLE);
        assertThat(wanted(credits.takeOrRequest("t", 20 + IDLE))).as("answered with none: may ask again").isEqualTo(100);
        credits.received("t", new RecordHeaders(), 30 + IDLE);
        assertThat(wanted(credits.takeOrRequest("t", 40 + IDLE))).as("an admission that did not ask answers nothing").isZero();
    }

    @Test
    void aGrantIsTakenOnePlaceACreateKeptInTheStoreAndSurvivesARestart() {
        QuotaCredits credits = new QuotaCredits(store, 100, IDLE, 0);
        credits.received("t", granted(100), 0);
        for (int i = 0; i < 30; i++) {
            assertThat(credits.takeOrRequest("t", i)).isNull();
        }
        assertThat(store.get("t")).isEqualTo(70L);

        // A restarted task (or another instance taking it over) reads the store back and holds it for a full idle time.
        QuotaCredits restored = new QuotaCredits(store, 100, IDLE, 5_000);
        assertThat(restored.idle(5_000 + IDLE - 1)).isEmpty();
        for (int i = 0; i < 70; i++) {
            assertThat(restored.takeOrRequest("t", 5_000 + i)).isNull();
        }
        assertThat(store.get("t")).isNull();
        assertThat(restored.takeOrRequest("t", 5_100)).as("used up: the next create asks the quota").isNotNull();
    }

    @Test
    void unusedCreditGoesBackAfterTheIdleTimeAndUseKeepsIt() {
        QuotaCredits credits = new QuotaCredits(store, 100, IDLE, 0);
        credits.received("busy", granted(100), 0);
        credits.received("quiet", granted(100), 0);
        credits.takeOrRequest("busy", 900);

        assertThat(credits.idle(IDLE)).containsExactly(Map.entry("quiet", 100L));
        assertThat(store.get("quiet")).isNull();
        assertThat(store.get("busy")).isEqualTo(99L);
        assertThat(credits.idle(900 + IDLE)).containsExactly(Map.entry("busy", 99L));
        assertThat(store.get("busy")).isNull();
        assertThat(credits.idle(10 * IDLE)).isEmpty();
    }

    @Test
    void anAskGrowsWhileCreatesRunShortAndShrinksWhenTheQuotaGrantsNone() {
        QuotaCredits credits = new QuotaCredits(store, 100, IDLE, 0);
        credits.takeOrRequest("t", 0);
        assertThat(wanted(credits.takeOrRequest("t", 1))).isEqualTo(100);
        // 30 creates find no credit while the ask is out: they took the hops, so the next ask is twice the grant.
        for (int i = 0; i < 30; i++) {
            assertThat(wanted(credits.takeOrRequest("t", 2))).isZero();
        }
        credits.received("t", granted(100), 3);
        assertThat(credits.nextAsk("t")).isEqualTo(200);
        for (int i = 0; i < 50; i++) {
            assertThat(credits.takeOrRequest("t", 4)).isNull();
        }
        // Half the grant left: this create carries the next ask through the quota, the credit stays for the others.
        assertThat(wanted(credits.takeOrRequest("t", 5))).isEqualTo(200);
        for (int i = 0; i < 50; i++) {
            assertThat(credits.takeOrRequest("t", 5)).isNull();
        }
        // 700 run short this time: each time as many as the latest ask found no credit, the next create carries
        // another ask, twice as large, while the first is still out.
        List<Long> asks = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            long wanted = wanted(credits.takeOrRequest("t", 6));
            if (wanted > 0) {
                asks.add(wanted);
            }
        }
        assertThat(asks).containsExactly(400L, 800L);
        credits.received("t", granted(200), 7);
        assertThat(credits.nextAsk("t")).isEqualTo(800);

        // A grant that came before the credit ran out leaves the ask as it was.
        credits.received("t", granted(50), 8);
        assertThat(credits.nextAsk("t")).isEqualTo(800);
        // A refusal (the tenant near its limit) halves it, never below the batch.
        credits.received("t", granted(0), 9);
        assertThat(credits.nextAsk("t")).isEqualTo(400);
        for (int i = 0; i < 10; i++) {
            credits.received("t", granted(0), 10);
        }
        assertThat(credits.nextAsk("t")).isEqualTo(100);
    }

    @Test
    void anAskNeverExceedsTheMostAQuotaGrants() {
        QuotaCredits credits = new QuotaCredits(store, 100, IDLE, 0);
        credits.takeOrRequest("t", 0);
        credits.takeOrRequest("t", 1);
        for (int i = 0; i < 3 * QuotaCredits.MAX_WANTED; i++) {
            credits.takeOrRequest("t", 2);
        }
        credits.received("t", granted(100), 3);
        assertThat(credits.nextAsk("t")).isEqualTo(QuotaCredits.MAX_WANTED);
        // Kept while answers to its asks are awaited; forgotten once idle after that, a tenant starts again from the batch.
        credits.idle(2 + QuotaCredits.ANSWER_PATIENCE.toMillis());
        assertThat(credits.nextAsk("t")).isEqualTo(QuotaCredits.MAX_WANTED);
        credits.idle(3 + QuotaCredits.ANSWER_PATIENCE.toMillis() + IDLE);
        assertThat(credits.nextAsk("t")).isEqualTo(100);
    }

    @Test
    void admittedCreatesKeepATenantBusySoItsCreditIsNotGivenBackMidBacklog() {
        QuotaCredits credits = new QuotaCredits(store, 100, IDLE, 0);
        credits.received("t", granted(100), 0);
        // The task works through admissions of creates that took the hops, none of them taking a place here.
        for (long at = 100; at <= 3 * IDLE; at += 100) {
            credits.received("t", new RecordHeaders(), at);
            assertThat(credits.idle(at)).isEmpty();
        }
        assertThat(store.get("t")).isEqualTo(100L);
        assertThat(credits.idle(4 * IDLE)).containsExactly(Map.entry("t", 100L));
    }

    @Test
    void createsThatFindNoCreditWhileAnAskIsOutAreHeldAndABacklogAsksAgainWithoutWaiting() {
        QuotaCredits credits = new QuotaCredits(store, 100, IDLE, 0);
        assertThat(credits.place("t", 0, true, true).outcome()).as("a first, lone create").isEqualTo(QuotaCredits.Outcome.REQUEST);
        assertThat(wanted(credits.place("t", 1, true, true).request())).isEqualTo(100);
        assertThat(credits.awaitingGrant("t", 2)).isTrue();
        for (int i = 0; i < 99; i++) {
            assertThat(credits.place("t", 2, true, true).outcome()).isEqualTo(QuotaCredits.Outcome.HELD);
        }
        // As many found no credit as the ask was for: the next create carries another ask, twice as large.
        assertThat(wanted(credits.place("t", 2, true, true).request())).isEqualTo(200);
        for (int i = 0; i < 150; i++) {
            assertThat(credits.place("t", 2, true, true).outcome()).isEqualTo(QuotaCredits.Outcome.HELD);
        }
        assertThat(credits.place("t", 2, false, true).outcome()).as("one that may not be held goes to the quota")
                .isEqualTo(QuotaCredits.Outcome.REQUEST);
        assertThat(credits.awaitingGrant("t", 1 + IDLE)).as("the idle time is no deadline for an answer").isTrue();
        assertThat(credits.awaitingGrant("t", 1 + QuotaCredits.ANSWER_PATIENCE.toMillis())).as("no answer within the patience").isFalse();

        // The first answer: its places for the oldest held creates; the second ask's answer is awaited from now.
        credits.received("t", granted(100), 3);
        assertThat(credits.awaitingGrant("t", 3 + IDLE - 1)).isTrue();
        for (int i = 0; i < 100; i++) {
            assertThat(credits.place("t", 4, true, true).outcome()).isEqualTo(QuotaCredits.Outcome.TAKEN);
        }
        assertThat(credits.place("t", 4, true, true).outcome()).isEqualTo(QuotaCredits.Outcome.HELD);
        credits.received("t", granted(200), 5);
        assertThat(credits.awaitingGrant("t", 5)).as("every ask answered").isFalse();
        assertThat(credits.nextAsk("t")).as("twice the last grant: creates ran short while it was out").isEqualTo(400);
        assertThat(credits.place("t", 6, true, true).outcome()).isEqualTo(QuotaCredits.Outcome.TAKEN);
    }

    @Test
    void flushedCreatesTakePlacesOrGoToTheQuotaButNeverAsk() {
        QuotaCredits credits = new QuotaCredits(store, 100, IDLE, 0);
        credits.place("t", 0, true, true);
        assertThat(wanted(credits.place("t", 1, true, true).request())).isEqualTo(100);
        for (int i = 0; i < 99; i++) {
            assertThat(credits.place("t", 2, true, true).outcome()).isEqualTo(QuotaCredits.Outcome.HELD);
        }
        // Let go without a grant (the ask overdue, or the task restarted): busy, past the idle time, and as many ran
        // short as were asked for, yet none of them asks; each goes to the quota on its own.
        long overdue = 2 + QuotaCredits.ANSWER_PATIENCE.toMillis();
        assertThat(credits.awaitingGrant("t", overdue)).isFalse();
        for (int i = 0; i < 500; i++) {
            QuotaCredits.Placement placement = credits.place("t", overdue, false, false);
            assertThat(placement.outcome()).isEqualTo(QuotaCredits.Outcome.REQUEST);
            assertThat(wanted(placement.request())).as("flushed create %d asks for nothing", i).isZero();
        }
        // The late answer's places are taken by flushed creates too, still without asking again.
        credits.received("t", granted(100), overdue);
        for (int i = 0; i < 100; i++) {
            assertThat(credits.place("t", overdue, false, false).outcome()).isEqualTo(QuotaCredits.Outcome.TAKEN);
        }
        assertThat(wanted(credits.place("t", overdue, false, false).request())).isZero();
        // A create read afterwards asks as before.
        assertThat(wanted(credits.place("t", overdue, true, true).request())).isPositive();
    }

    @Test
    void afterARefusedAskATenantsCreatesAreNotHeldUntilAGrant() {
        QuotaCredits credits = new QuotaCredits(store, 100, IDLE, 0);
        credits.place("t", 0, true, true);
        assertThat(wanted(credits.place("t", 1, true, true).request())).isEqualTo(100);
        credits.received("t", granted(0), 2);
        // Near its limit, every create goes to the quota on its own: one asks again, none is held, none asks more.
        assertThat(wanted(credits.place("t", 3, true, true).request())).isEqualTo(100);
        assertThat(credits.awaitingGrant("t", 3)).isFalse();
        for (int i = 0; i < 300; i++) {
            QuotaCredits.Placement placement = credits.place("t", 3, true, true);
            assertThat(placement.outcome()).isEqualTo(QuotaCredits.Outcome.REQUEST);
            assertThat(wanted(placement.request())).isZero();
        }
        credits.received("t", granted(100), 4);
        assertThat(credits.place("t", 5, true, true).outcome()).isEqualTo(QuotaCredits.Outcome.TAKEN);
    }

    private static Headers granted(long places) {
        return new RecordHeaders().add(QuotaCredits.GRANTED_HEADER, Long.toString(places).getBytes(StandardCharsets.US_ASCII));
    }

    private static long wanted(Headers request) {
        assertThat(request).as("a request, not a place taken").isNotNull();
        return QuotaCredits.number(request, QuotaCredits.WANTED_HEADER);
    }
}
