package io.punctual.bench.headline;

import io.punctual.schemas.CommandResult;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.kernel.secrets.ApiKeyCipher;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Commands the planner applies per second: N creates serialized beforehand and produced as fast as one producer
 * goes, timed from the first send until the N-th command result is readable (read_committed). The driver's own
 * rate (sending alone) is reported beside it, so it is visible when the driver is what limits.
 */
final class PlannerCommands {
    record Outcome(int commands, double produceSec, double appliedSec, int accepted, long childCpuMs, String threads) {
        double perSecond() {
            return commands / appliedSec;
        }

        /** The child's CPU (planner, broker and all) per command while it applied them, in microseconds; -1 if unknown. */
        double childCpuMicrosPerCommand() {
            return childCpuMs < 0 ? -1 : childCpuMs * 1000.0 / commands;
        }

        double driverPerSecond() {
            return commands / produceSec;
        }
    }

    private PlannerCommands() {
    }

    static Outcome run(StandaloneChild child, int n) throws Exception {
        KafkaSide kafka = new KafkaSide(child);
        KeyMaterial keys = child.keys();
        ApiKeyCipher cipher = keys.apiKeyCipher();
        String tenant = keys.tenantIds().of(OnceSchedules.API_KEY);
        Serializer<ScheduleCommand> serializer = kafka.serdes.valueSerde(Topics.COMMANDS).serializer();
        String prefix = "plan-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        // Due in a day: the run measures applying the commands, nothing fires.
        long due = System.currentTimeMillis() + 86_400_000L;
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(OnceSchedules.create(cipher, tenant, serializer, prefix + i, "agent-" + prefix + (i % 1000), due));
        }
        try (KafkaSide.Tail<CommandResult> results = kafka.tail(Topics.COMMAND_RESULTS);
             KafkaProducer<byte[], byte[]> producer = kafka.producer(null)) {
            long cpuBefore = child.cpuTime().toMillis();
            Map<String, Double> threadsBefore = ThreadCpu.snapshot(child.pid());
            long start = System.nanoTime();
            KafkaSide.sendAll(producer, records);
            long produced = System.nanoTime();
            int[] seen = {0, 0};
            while (seen[0] < n) {
                results.poll(r -> {
                    if (r.getScheduleId().startsWith(prefix)) {
                        seen[0]++;
                        seen[1] += r.getAccepted() ? 1 : 0;
                    }
                });
                if (System.nanoTime() - start > 600_000_000_000L) {
                    throw new IllegalStateException("only " + seen[0] + " of " + n + " command results after 10 minutes");
                }
            }
            long end = System.nanoTime();
            long cpuAfter = child.cpuTime().toMillis();
            return new Outcome(n, (produced - start) / 1e9, (end - start) / 1e9, seen[1], cpuAfter - cpuBefore,
                    ThreadCpu.top(threadsBefore, ThreadCpu.snapshot(child.pid()), n, 12));
        }
    }
}
