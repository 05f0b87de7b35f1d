package io.punctual.planner.quota;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Places in a tenant's quota that its quota task counted already and granted to this planner task in advance, so
 * the task's next creates of that tenant are applied at once instead of each taking two more hops through Kafka
 * ({@code punctual.quota}, then {@code punctual.quota.admitted}) and a transaction of the quota task's. Those hops were
 * about a quarter of the planner's work per create (11,700 against 15,500 commands/s without the quota).
 *
 * <p>How a credit comes: a tenant is "busy" on this task when it made a create here within the idle time; a busy
 * tenant's next request to the quota asks for a credit ({@link #WANTED_HEADER}); another ask goes out while one is
 * outstanding only for a backlog (below). The quota admits the create as always and, while the tenant stays well below its limit, grants the credit too
 * ({@link #GRANTED_HEADER} on the admitted copy), counting it as taken places. A credit that has not been used for the
 * idle time goes back (a negative count change), so the tenant's count is its live schedules plus the credit
 * outstanding, and it never exceeds the limit.
 *
 * <p>How much is asked for: the configured batch first; when the tenant's creates ran out of credit here while the
 * ask was on its way (held, see {@link HeldCreates}, or sent through the hops one by one), twice the larger of that grant and those creates, up to
 * {@link #MAX_WANTED}; half the last ask, not below the batch, when the quota granted none (the tenant near its
 * limit). A busy tenant asks again before its credit runs out, at half the last grant left; and while an ask is out,
 * once as many creates found no credit as the latest ask was for, another ask twice as large goes out at once (a
 * backlog: the first ask of a cold tenant is small, and its answer takes a round trip). With a fixed batch of
 * 100 asked for only once the credit was gone, a backlog's creates nearly all took the hops (the planner row's
 * warm-up wrote more bytes to {@code punctual.quota} than to {@code punctual.commands}): while one ask went to the
 * quota and back, the task applied thousands of the tenant's commands, each asking on its own. The quota grants an
 * ask only while the tenant stays three times it below its limit, so a large ask is granted only to a tenant far
 * from it.
 *
 * <p>Credits are kept in the task's changelogged store ({@code quota-credits}), written in the transaction that takes
 * or receives them, so a crash loses or doubles none; an in-heap copy, in the order the tenants were last seen,
 * answers the per-create question and finds the idle ones without scanning every tenant.
 */
public final class QuotaCredits {
    /** On a request to the quota: how many places in advance this task would like (a decimal number). */
    public static final String WANTED_HEADER = "punctual.quota.credit-wanted";
    /** On an admitted copy: how many places in advance the quota granted with it (a decimal number). */
    public static final String GRANTED_HEADER = "punctual.quota.credit-granted";
    /**
     * On a record without a value on {@code punctual.quota.admitted}: the quota refused the create that asked (the
     * tenant at its limit), and this answers the ask (with {@link #GRANTED_HEADER} 0) for the tenant named here, so
     * the task's held creates go to the quota at once rather than after the idle time. Without a value, a planner of
     * an earlier version skips it, as it skips every tombstone.
     */
    public static final String REFUSED_ANSWER = "punctual.quota.refused-tenant";
    /**
     * How long a task's held creates wait for the answer to its ask before they go to the quota one by one. The
     * quota answers every ask (with the admitted create, or a refusal), so this is a safety net, not a round trip: at
     * the idle time (1 s) a cold burst's first answers came too late (1.8 s in the planner kill drill, behind the
     * backlog on the tenant's quota partition), and the tasks flushed hundreds of creates through the hops anyway.
     */
    public static final Duration ANSWER_PATIENCE = Duration.ofSeconds(10);
    /** The most a request may ask for, whatever the header says: a bad header cannot reserve a whole quota. */
    public static final int MAX_WANTED = 10_000;

    private static final class Tenant {
        long credit;
        long lastSeenMs;
        /**
         * Since when the next answer to an ask is awaited (the first ask, or the last answer while more are out);
         * -1: none outstanding.
         */
        long askedMs = -1;
        /** Asks whose answer has not come yet. */
        int asksOut;
        /** How many places the latest ask was for. */
        long lastAsk;
        /** How many places the next ask is for (see the class comment). */
        long nextAsk;
        /** The last credit granted, 0 before any: a busy tenant asks again when half of it is left. */
        long lastGranted;
        /** The creates that found no credit while the outstanding ask was on its way (held, or took the hops alone). */
        long ranShort;
        /** The quota granted none at the last answer (the tenant near its limit): its creates are not held. */
        boolean refused;
    }

    private final KeyValueStore<String, Long> store;
    private final int batch;
    private final long idleMs;
    /** Tenants seen within the idle time or holding credit, least recently seen first (access order). */
    private final LinkedHashMap<String, Tenant> tenants = new LinkedHashMap<>(16, 0.75f, true);

    /**
     * @param store  tenant to credit held, the task's changelogged store
     * @param batch  places asked for at a time; 0: never ask (credit granted before is still used and given back)
     * @param idleMs how long an unused credit is held, and how long a tenant counts as busy after a create
     */
    public QuotaCredits(KeyValueStore<String, Long> store, int batch, long idleMs, long nowMs) {
        this.store = store;
        this.batch = batch;
        this.idleMs = idleMs;
        try (KeyValueIterator<String, Long> all = store.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                Tenant tenant = newTenant();
                tenant.credit = entry.value;
                // Restored with the task: held for a full idle time from now, as the clock of its last use is gone.
                tenant.lastSeenMs = nowMs;
                tenants.put(entry.key, tenant);
            }
        }
    }

    /** What becomes of one of a tenant's creates (see {@link #place}). */
    public enum Outcome {
        /** Applied now: one place of the tenant's credit is taken. */
        TAKEN,
        /** Held until the outstanding ask is answered ({@link HeldCreates}). */
        HELD,
        /** Sent to the quota, with the headers of its request. */
        REQUEST
    }

    /** @param request the headers of the create's request to the quota when the outcome is {@link Outcome#REQUEST} */
    public record Placement(Outcome outcome, Headers request) {
        private static final Placement TAKEN = new Placement(Outcome.TAKEN, null);
        private static final Placement HELD = new Placement(Outcome.HELD, null);
    }

    /**
     * For one of the tenant's creates, applied now if it can be: takes one place of the tenant's credit, or says the
     * create is to be held until the outstanding ask is answered, or gives the headers of its request to the quota.
     * The request asks for a credit when the tenant is busy here (a create within the idle time) and no ask is
     * outstanding: a one-off create reserves nothing. A busy tenant asks again, on one create that then takes the
     * hops, once its credit is down to half of the last grant, so that the next grant comes before the credit runs
     * out. A create that finds no credit while an ask is out is held if {@code mayHold}, unless the quota refused the
     * tenant's last ask (near its limit every create goes to the quota on its own), or carries another ask, twice the
     * latest, when as many as that found no credit since it.
     *
     * @param mayAsk false for a held create let go without a grant (its ask overdue, refused, or the task restarted):
     *               it takes a place or goes to the quota, and asks for nothing. Asking there granted places no
     *               create was left to use while the flushed ones each took one more at the quota: in the planner
     *               kill drill, two tasks whose first answers came after 1.8 s (the idle time was then the deadline)
     *               asked for 400, 800 and 1,600 more while sending some 800 creates each, and the quota refused
     *               1,200 of a tenant's 5,000 creates at a limit of 10,000 (quota_exceeded).
     */
    public Placement place(String tenant, long nowMs, boolean mayHold, boolean mayAsk) {
        Tenant held = tenants.get(tenant);
        boolean busy = held != null && nowMs - held.lastSeenMs < idleMs;
        if (held == null) {
            held = newTenant();
            tenants.put(tenant, held);
        }
        held.lastSeenMs = nowMs;
        boolean outstanding = held.asksOut > 0 && nowMs - held.askedMs < idleMs;
        boolean asks = mayAsk && batch > 0 && busy && !outstanding;
        if (held.credit > 0 && !(asks && 2 * held.credit <= held.lastGranted)) {
            held.credit--;
            if (held.credit == 0) {
                store.delete(tenant);
            } else {
                store.put(tenant, held.credit);
            }
            return Placement.TAKEN;
        }
        RecordHeaders headers = new RecordHeaders();
        if (asks) {
            // Answers of asks made before are late (or never come): this round counts its own.
            held.askedMs = nowMs;
            held.asksOut = 1;
            ask(held, held.nextAsk, headers);
        } else if (outstanding) {
            held.ranShort++;
            if (mayAsk && !held.refused && held.ranShort >= held.lastAsk) {
                // More creates found no credit since the latest ask than it asked for: a backlog. Another ask, twice
                // as large, goes out on this create at once rather than after the answer (a round trip of 0.3-0.9 s
                // in the planner row, while each task held thousands of creates and went past what it may hold).
                held.asksOut++;
                long more = Math.min(MAX_WANTED, 2 * held.lastAsk);
                held.nextAsk = Math.max(held.nextAsk, more);
                ask(held, more, headers);
            } else if (mayHold && !held.refused) {
                return Placement.HELD;
            }
        }
        return new Placement(Outcome.REQUEST, headers);
    }

    private static void ask(Tenant held, long places, Headers headers) {
        held.ranShort = 0;
        held.lastAsk = places;
        withNumber(headers, WANTED_HEADER, places);
    }

    /** {@link #place} for a create that may not be held: null when it took a place, else its request's headers. */
    public Headers takeOrRequest(String tenant, long nowMs) {
        Placement placement = place(tenant, nowMs, false, true);
        return placement.outcome() == Outcome.TAKEN ? null : placement.request();
    }

    /**
     * True while the tenant's ask is out and not overdue ({@link #ANSWER_PATIENCE}, or the idle time if longer), and
     * the quota did not refuse its last one: its held creates wait.
     */
    public boolean awaitingGrant(String tenant, long nowMs) {
        Tenant held = tenants.get(tenant);
        return held != null && awaiting(held, nowMs);
    }

    private boolean awaiting(Tenant held, long nowMs) {
        return !held.refused && held.asksOut > 0 && nowMs - held.askedMs < Math.max(idleMs, ANSWER_PATIENCE.toMillis());
    }

    /**
     * Takes what the quota answered, with an admitted copy of the tenant's create, to an ask for a credit (its
     * {@link #GRANTED_HEADER}, present, 0 or more, exactly when the request asked; or with a {@link #REFUSED_ANSWER}
     * when the quota refused the asking create itself); an admitted copy without one still counts as the tenant's
     * create here.
     */
    public void received(String tenant, Headers headers, long nowMs) {
        if (headers == null || headers.lastHeader(GRANTED_HEADER) == null) {
            // An admitted create is the tenant's create here too: while the task works through a backlog of
            // admissions, its credit is not idle (given back mid-burst, it was granted again at the next ask).
            Tenant held = tenants.get(tenant);
            if (held != null) {
                held.lastSeenMs = Math.max(held.lastSeenMs, nowMs);
            }
            return;
        }
        long granted = number(headers, GRANTED_HEADER);
        Tenant held = tenants.computeIfAbsent(tenant, ignored -> newTenant());
        held.lastSeenMs = nowMs;
        held.asksOut = Math.max(0, held.asksOut - 1);
        // The next answer, if more asks are out, is awaited from now: they went out one after another.
        held.askedMs = held.asksOut > 0 ? nowMs : -1;
        if (granted > 0) {
            held.credit += granted;
            held.lastGranted = granted;
            held.refused = false;
            store.put(tenant, held.credit);
            if (held.ranShort > 0) {
                held.nextAsk = Math.min(MAX_WANTED, Math.max(held.nextAsk, 2 * Math.max(granted, held.ranShort)));
            }
        } else {
            held.nextAsk = Math.max(batch, held.nextAsk / 2);
            held.lastGranted = 0;
            held.refused = true;
        }
        held.ranShort = 0;
    }

    /** How many places this task's next ask for the tenant is for (tests, and the class comment's rule). */
    long nextAsk(String tenant) {
        Tenant held = tenants.get(tenant);
        return held == null ? batch : held.nextAsk;
    }

    private Tenant newTenant() {
        Tenant tenant = new Tenant();
        tenant.nextAsk = batch;
        return tenant;
    }

    /**
     * Gives back the credits not used for the idle time and forgets tenants not seen for as long, but for a tenant
     * whose ask is still awaited ({@link #awaitingGrant}): it counts as seen now.
     *
     * @return per tenant, the places given back (to send to the quota as negative count changes)
     */
    public List<Map.Entry<String, Long>> idle(long nowMs) {
        List<Map.Entry<String, Long>> returned = new ArrayList<>();
        List<Map.Entry<String, Tenant>> awaited = new ArrayList<>();
        Iterator<Map.Entry<String, Tenant>> oldestFirst = tenants.entrySet().iterator();
        while (oldestFirst.hasNext()) {
            Map.Entry<String, Tenant> entry = oldestFirst.next();
            if (nowMs - entry.getValue().lastSeenMs < idleMs) {
                break;
            }
            oldestFirst.remove();
            if (awaiting(entry.getValue(), nowMs)) {
                // Its answer is still awaited (creates are held for it): not idle, whatever the time since a create.
                awaited.add(entry);
                continue;
            }
            if (entry.getValue().credit > 0) {
                store.delete(entry.getKey());
                returned.add(Map.entry(entry.getKey(), entry.getValue().credit));
            }
        }
        for (Map.Entry<String, Tenant> kept : awaited) {
            kept.getValue().lastSeenMs = nowMs;
            tenants.put(kept.getKey(), kept.getValue());
        }
        return returned;
    }

    /** Adds a header holding {@code value} as a decimal number (what {@link #number} reads). */
    public static Headers withNumber(Headers headers, String name, long value) {
        return headers.add(name, Long.toString(value).getBytes(StandardCharsets.US_ASCII));
    }

    /** A header's decimal number, 0 when it is missing or not a number. */
    public static long number(Headers headers, String name) {
        Header header = headers == null ? null : headers.lastHeader(name);
        if (header == null || header.value() == null) {
            return 0;
        }
        try {
            return Long.parseLong(new String(header.value(), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
