package io.punctual.bench.headline;

import io.punctual.schemas.CommandResult;
import io.punctual.schemas.CreateSchedule;
import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.kernel.secrets.ApiKeyCipher;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongUnaryOperator;

/**
 * One-time schedules, each to its own agent, created by producing {@code CreateSchedule} commands straight to
 * {@code punctual.commands}; then every fire is followed to its final result on {@code punctual.results}
 * (read_committed) and to its arrival at the endpoint. Used for the burst (all due in the same second) and the
 * steady load (due times spread evenly).
 */
final class OnceSchedules {
    static final String API_KEY = "sk-let-bench";

    /**
     * @param creates             creates sent
     * @param rejected            creates the planner rejected (for example due time already past when applied)
     * @param createsAppliedSec   from the first command sent until the last command result was readable
     * @param appliedBeforeDue    whether every create was applied before the first due time
     * @param allCommittedSec     from the first due time until the last final result was readable
     * @param finals              final results seen (one per fire expected)
     * @param duplicateFinals     fires with more than one final result
     * @param delivered           final results DELIVERED
     * @param lag                 arrival at the endpoint minus the due time, first arrival of each fire
     * @param arrivals            message calls that reached the endpoint
     * @param duplicateArrivals   message calls beyond the first for a fire
     * @param parts               where the lag went (see {@link DueSightings})
     */
    record Outcomes(int creates, int rejected, double createsAppliedSec, boolean appliedBeforeDue, double allCommittedSec, int finals,
                    int duplicateFinals, int delivered, Percentiles lag, int arrivals, int duplicateArrivals, LagParts parts) {
    }

    /**
     * A fire's lag in three parts: due → emitted by the planner's scan, emitted → readable (the planner's commit),
     * readable → arrival at the endpoint (the executor's poll, delivery and batch). Each part's percentiles, and the
     * mean of each part over the slowest 1 % of fires (what the tail waits for).
     */
    record LagParts(Percentiles scan, Percentiles commit, Percentiles executor, Percentiles send, double slowScanMs, double slowCommitMs,
                    double slowExecutorMs, double slowSendMs, int unseen) {
        String describe() {
            return String.format("due → emitted %s; emitted → readable %s; readable → request %s (of it, the result's started_at → request %s); "
                            + "the slowest 1 %%: %.0f + %.0f + %.0f ms (%.0f of it after started_at)%s",
                    scan.describe(), commit.describe(), executor.describe(), send.describe(), slowScanMs, slowCommitMs, slowExecutorMs, slowSendMs,
                    unseen == 0 ? "" : String.format(" (%d fires not seen on punctual.due)", unseen));
        }
    }

    private OnceSchedules() {
    }

    /** {@code n} schedules due at {@code dueMillis.applyAsLong(i)}, which must leave time to create them all. */
    static Outcomes run(StandaloneChild child, RunEndpoint endpoint, int n, LongUnaryOperator dueMillis) throws Exception {
        KafkaSide kafka = new KafkaSide(child);
        KeyMaterial material = child.keys();
        ApiKeyCipher cipher = material.apiKeyCipher();
        // The planner refuses a create whose tenant is not the one its key belongs to (tenant_mismatch).
        String tenant = material.tenantIds().of(API_KEY);
        Serializer<ScheduleCommand> serializer = kafka.serdes.valueSerde(Topics.COMMANDS).serializer();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Integer> indexByAgent = new HashMap<>(n * 2);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String scheduleId = "bench-" + tag + "-" + i;
            String agentId = "agent-" + tag + "-" + i;
            indexByAgent.put(agentId, i);
            records.add(create(cipher, tenant, serializer, scheduleId, agentId, dueMillis.applyAsLong(i)));
        }
        endpoint.reset();
        long firstDue = dueMillis.applyAsLong(0);
        long lastDue = dueMillis.applyAsLong(n - 1);
        try (KafkaSide.Tail<CommandResult> commandResults = kafka.tail(Topics.COMMAND_RESULTS);
             KafkaSide.Tail<ExecutionResult> results = kafka.tail(Topics.RESULTS);
             KafkaProducer<byte[], byte[]> producer = kafka.producer(null);
             DueSightings sightings = new DueSightings(child.bootstrapServers())) {
            long sent = WallClock.micros();
            KafkaSide.sendAll(producer, records);
            int[] applied = {0, 0}; // results, rejections
            String prefix = "bench-" + tag + "-";
            while (applied[0] < n) {
                commandResults.poll(r -> {
                    if (r.getScheduleId().startsWith(prefix)) {
                        applied[0]++;
                        if (!r.getAccepted() && applied[1]++ == 0) {
                            System.out.println("  note: a create was rejected (more may follow): " + r.getReason() + ": " + r.getMessage());
                        }
                    }
                });
                failAfter(lastDue + 600_000, "only " + applied[0] + " of " + n + " creates applied");
            }
            int fires = n - applied[1];
            long appliedAt = WallClock.micros();
            boolean beforeDue = appliedAt / 1000 < firstDue;
            if (!beforeDue) {
                System.out.printf("  note: the creates were applied %.1f s after the first due time; lags include that wait%n",
                        (appliedAt / 1000 - firstDue) / 1000.0);
            }

            Set<String> finished = new HashSet<>(n * 2);
            long[] startedAtMillis = new long[n]; // by schedule index, as the lags; 0 until its first final result
            int[] counts = new int[3]; // finals, duplicate finals, delivered
            long[] lastFinal = {0};
            while (counts[0] < fires) {
                results.poll(r -> {
                    // A run's end (the executor following the Letta run) is a record of its own, not a second result.
                    if (!r.getScheduleId().startsWith(prefix) || !isFinal(r.getOutcome()) || r.getRunEnd()) {
                        return;
                    }
                    if (finished.add(r.getFireId())) {
                        Integer i = indexByAgent.get(r.getAgentId());
                        if (i != null) {
                            startedAtMillis[i] = r.getStartedAt().toEpochMilli();
                        }
                        counts[0]++;
                        counts[2] += r.getOutcome() == Outcome.DELIVERED ? 1 : 0;
                        lastFinal[0] = WallClock.micros();
                    } else {
                        counts[1]++;
                    }
                });
                failAfter(lastDue + 600_000, "only " + counts[0] + " of " + fires + " final results after 10 minutes");
            }
            // Late duplicates would show within a moment; read on briefly.
            long until = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < until) {
                results.poll(r -> {
                    if (r.getScheduleId().startsWith(prefix) && isFinal(r.getOutcome()) && !r.getRunEnd() && !finished.add(r.getFireId())) {
                        counts[1]++;
                    }
                });
            }

            long[] lags = new long[n];
            int[] lagOf = new int[n];
            boolean[] seen = new boolean[n];
            int firsts = 0;
            int total = 0;
            Set<String> keys = new HashSet<>(n * 2);
            int duplicateArrivals = 0;
            for (RunEndpoint.Arrival a : endpoint.arrivals()) {
                Integer i = indexByAgent.get(a.agentId());
                if (i == null) {
                    continue;
                }
                total++;
                if (!keys.add(a.idempotencyKey())) {
                    duplicateArrivals++;
                }
                if (!seen[i]) {
                    seen[i] = true;
                    lagOf[firsts] = i;
                    lags[firsts++] = a.epochMicros() - dueMillis.applyAsLong(i) * 1000;
                }
            }
            LagParts parts = parts(sightings, startedAtMillis, lags, lagOf, firsts, tag, dueMillis);
            return new Outcomes(n, applied[1], (appliedAt - sent) / 1e6, beforeDue, (lastFinal[0] - firstDue * 1000) / 1e6,
                    counts[0], counts[1], counts[2], Percentiles.ofMicros(lags, firsts), total, duplicateArrivals, parts);
        }
    }

    private static LagParts parts(DueSightings sightings, long[] startedAtMillis, long[] lags, int[] lagOf, int count, String tag, LongUnaryOperator dueMillis) {
        long[] scan = new long[count];
        long[] commit = new long[count];
        long[] executor = new long[count];
        long[] send = new long[count];
        Integer[] order = new Integer[count];
        int seen = 0;
        for (int k = 0; k < count; k++) {
            int i = lagOf[k];
            DueSightings.Sighting s = sightings.of("agent-" + tag + "-" + i);
            if (s == null) {
                continue;
            }
            long due = dueMillis.applyAsLong(i) * 1000;
            long arrival = due + lags[k];
            scan[seen] = s.emittedMillis() * 1000 - due;
            commit[seen] = s.readableMicros() - s.emittedMillis() * 1000;
            executor[seen] = arrival - s.readableMicros();
            // started_at is the executor's own clock, to the millisecond (same machine as the endpoint's).
            send[seen] = startedAtMillis[i] == 0 ? 0 : arrival - startedAtMillis[i] * 1000;
            order[seen] = seen;
            seen++;
        }
        long[] total = new long[seen];
        for (int k = 0; k < seen; k++) {
            total[k] = scan[k] + commit[k] + executor[k];
        }
        Integer[] slowest = java.util.Arrays.copyOf(order, seen);
        java.util.Arrays.sort(slowest, (a, b) -> Long.compare(total[b], total[a]));
        int slow = Math.max(1, seen / 100);
        double[] sums = new double[4];
        for (int k = 0; k < Math.min(slow, seen); k++) {
            sums[0] += scan[slowest[k]];
            sums[1] += commit[slowest[k]];
            sums[2] += executor[slowest[k]];
            sums[3] += send[slowest[k]];
        }
        double div = Math.max(1, Math.min(slow, seen)) * 1000.0;
        return new LagParts(Percentiles.ofMicros(scan, seen), Percentiles.ofMicros(commit, seen), Percentiles.ofMicros(executor, seen),
                Percentiles.ofMicros(send, seen), sums[0] / div, sums[1] / div, sums[2] / div, sums[3] / div, count - seen);
    }

    /** A pre-serialized {@code CreateSchedule} command, as the gateway would produce it (the key sealed with the keyset). */
    static ProducerRecord<byte[], byte[]> create(ApiKeyCipher cipher, String tenant, Serializer<ScheduleCommand> serializer, String scheduleId,
                                                 String agentId, long dueMillis) {
        LettaTarget target = LettaTarget.newBuilder().setAgentId(agentId).setMode(DeliveryMode.ASYNC)
                .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("wake up").build()))
                .setApiKeyCiphertext(cipher.encrypt(API_KEY, scheduleId)).build();
        ScheduleSpec spec = ScheduleSpec.newBuilder().setTenant(tenant).setTarget(target)
                .setCadence(new OnceCadence(Instant.ofEpochMilli(dueMillis))).setLabels(Map.of()).build();
        ScheduleCommand command = ScheduleCommand.newBuilder().setCommandId("c-" + scheduleId).setScheduleId(scheduleId)
                .setTenant(tenant).setIssuedAt(Instant.now()).setAction(CreateSchedule.newBuilder().setSpec(spec).build()).build();
        return new ProducerRecord<>(Topics.COMMANDS.name(), scheduleId.getBytes(StandardCharsets.UTF_8),
                serializer.serialize(Topics.COMMANDS.name(), command));
    }

    static boolean isFinal(Outcome outcome) {
        return outcome == Outcome.DELIVERED || outcome == Outcome.FAILED || outcome == Outcome.SKIPPED_OVERLAP;
    }

    private static void failAfter(long epochMillis, String message) {
        if (WallClock.millis() > epochMillis) {
            throw new IllegalStateException(message);
        }
    }
}
