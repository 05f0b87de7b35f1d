package io.punctual.bench.drill;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Polls consumer-group state every 200 ms and times each partition move: from an event (a member added, stopped,
 * killed) until the group is {@code Stable} again with every partition of its topic owned and the event's own
 * condition met (the new member owns a partition; the removed one owns none), split at the moment the group first
 * shows the event (the new member among its members: its process has started and joined; the removed one gone: it
 * left, or its session timed out). Every change of membership or ownership is logged.
 * Owners are named by client id, shortened to the service's name ({@code punctual-executor-executor-2-consumer}
 * becomes {@code executor-2}, {@code planner-1-StreamThread-1-consumer} becomes {@code planner-1}).
 */
final class GroupWatch {
    private final Admin admin;
    private final Map<String, String> topicOfGroup;
    private final int partitions;
    /** Fires sent so far, logged with each line: it shows where in the burst each change happened. */
    private final LongSupplier progress;
    private final List<String> log = new ArrayList<>();
    private final List<Move> pending = new ArrayList<>();
    private final List<Move> settled = new ArrayList<>();
    private final Map<String, String> lastSeen = new HashMap<>();
    private final long started = System.nanoTime();
    private volatile boolean running = true;
    private Thread thread;

    /** One event and the group whose partitions must move because of it. */
    private static final class Move {
        final String event;
        final String group;
        final Predicate<Map<TopicPartition, String>> done;
        /** Whether the group shows the event yet: the new member among its members, the removed one gone. */
        final Predicate<Set<String>> noticed;
        final long since = System.nanoTime();
        long noticedAt = -1;
        long tookMs = -1;

        Move(String event, String group, Predicate<Map<TopicPartition, String>> done, Predicate<Set<String>> noticed) {
            this.event = event;
            this.group = group;
            this.done = done;
            this.noticed = noticed;
        }

        long noticedMs() {
            return (noticedAt - since) / 1_000_000;
        }
    }

    GroupWatch(Admin admin, Map<String, String> topicOfGroup, int partitions, LongSupplier progress) {
        this.admin = admin;
        this.progress = progress;
        this.topicOfGroup = topicOfGroup;
        this.partitions = partitions;
    }

    void start() {
        thread = new Thread(this::loop, "drill-group-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** A member joins {@code group}: the move is over when it owns at least one partition. */
    void joined(String event, String group, String member) {
        expect(new Move(event, group, owners -> owners.containsValue(member), members -> members.contains(member)));
    }

    /** A member leaves {@code group} (stopped or killed): the move is over when it owns none. */
    void left(String event, String group, String member) {
        expect(new Move(event, group, owners -> !owners.containsValue(member), members -> !members.contains(member)));
    }

    private synchronized void expect(Move move) {
        log.add(String.format("%s  +%6.1f s  %,6d sent  EVENT %s", Instant.now(), seconds(), progress.getAsLong(), move.event));
        pending.add(move);
    }

    private void loop() {
        while (running) {
            try {
                Map<String, ConsumerGroupDescription> described = admin.describeConsumerGroups(topicOfGroup.keySet()).all().get();
                described.forEach(this::observe);
                Thread.sleep(200);
            } catch (InterruptedException ie) {
                return;
            } catch (Exception ex) {
                synchronized (this) {
                    log.add(String.format("%s  +%6.1f s  describe failed: %s", Instant.now(), seconds(), ex));
                }
            }
        }
    }

    private synchronized void observe(String group, ConsumerGroupDescription description) {
        Map<TopicPartition, String> owners = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        for (MemberDescription m : description.members()) {
            for (TopicPartition tp : m.assignment().topicPartitions()) {
                if (tp.topic().equals(topicOfGroup.get(group))) {
                    owners.put(tp, service(m.clientId()));
                }
            }
        }
        Set<String> members = new TreeSet<>();
        description.members().forEach(m -> members.add(service(m.clientId())));
        GroupState state = description.groupState();
        String seen = state + " " + owners;
        if (!seen.equals(lastSeen.put(group, seen))) {
            log.add(String.format("%s  +%6.1f s  %,6d sent  %s %s: members %s; %d of %d partitions owned, %s", Instant.now(), seconds(),
                    progress.getAsLong(), group, state, members, owners.size(), partitions, countByOwner(owners)));
        }
        for (Move move : pending) {
            if (move.group.equals(group) && move.noticedAt < 0 && move.noticed.test(members)) {
                move.noticedAt = System.nanoTime();
            }
        }
        boolean complete = state == GroupState.STABLE && owners.size() == partitions;
        for (Move move : List.copyOf(pending)) {
            if (move.group.equals(group) && complete && move.noticedAt >= 0 && move.done.test(owners)) {
                move.tookMs = (System.nanoTime() - move.since) / 1_000_000;
                pending.remove(move);
                settled.add(move);
                log.add(String.format("%s  +%6.1f s  %,6d sent  MOVED after %s: %d ms (the group showed it after %d ms)", Instant.now(),
                        seconds(), progress.getAsLong(), move.event, move.tookMs, move.noticedMs()));
            }
        }
    }

    /** Whether every expected move has settled. */
    synchronized boolean allSettled() {
        return pending.isEmpty();
    }

    private double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    static String service(String clientId) {
        return clientId.replaceFirst("^punctual-executor-", "").replaceAll("-(consumer|restore|StreamThread).*", "");
    }

    private static Map<String, Integer> countByOwner(Map<TopicPartition, String> owners) {
        Map<String, Integer> counts = new TreeMap<>();
        owners.values().forEach(o -> counts.merge(o, 1, Integer::sum));
        return counts;
    }

    void stop() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(Duration.ofSeconds(5).toMillis());
    }

    /** Prints every change and each move's time; returns false if a move never settled. */
    synchronized boolean report() {
        System.out.println("Group assignments (a move ends when the group is Stable, all partitions owned, the event's member in or out):");
        log.forEach(l -> System.out.println("  " + l));
        System.out.println("Partition moves (event -> group shows the member in or out -> Stable with all partitions owned):");
        settled.forEach(m -> System.out.printf("  %-20s %-32s %,7d ms, of which %,d ms until the group showed it and %,d ms of rebalance%n",
                m.event, m.group, m.tookMs, m.noticedMs(), m.tookMs - m.noticedMs()));
        pending.forEach(m -> System.out.printf("  %-24s %-40s NEVER SETTLED%n", m.event, m.group));
        return pending.isEmpty();
    }
}
