package io.punctual.bench.headline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where the CPU went between a burst's due second and its end: the whole machine's from {@code /proc/stat} (busy,
 * and stolen by the hypervisor, which a shared machine shows as a slower run), and, for a Punctual child, its own
 * by thread. Per fire, so a burst's rate can be read as its CPU per fire against the two cores. Empty off Linux.
 */
final class CpuWindow {
    /** Jiffies of the machine's CPU line: busy (user, nice, system, irq, softirq), steal, all. */
    private record Machine(long busy, long steal, long all) {
        static Machine now() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long user = Long.parseLong(f[1]), nice = Long.parseLong(f[2]), system = Long.parseLong(f[3]), idle = Long.parseLong(f[4]);
                long iowait = Long.parseLong(f[5]), irq = Long.parseLong(f[6]), softirq = Long.parseLong(f[7]), steal = Long.parseLong(f[8]);
                return new Machine(user + nice + system + irq + softirq, steal, user + nice + system + idle + iowait + irq + softirq + steal);
            } catch (IOException | RuntimeException e) {
                return new Machine(0, 0, 0);
            }
        }
    }

    private record Snapshot(Machine machine, Map<String, Double> threads, Map<String, Double> bench) {
    }

    private final long childPid;
    private final CompletableFuture<Snapshot> start;

    /** Takes the first snapshot at {@code atMillis} (epoch), on a thread of its own; {@code childPid} 0 for the machine alone. */
    CpuWindow(long atMillis, long childPid) {
        this.childPid = childPid;
        this.start = CompletableFuture.supplyAsync(this::snapshot,
                CompletableFuture.delayedExecutor(Math.max(0, atMillis - System.currentTimeMillis()), TimeUnit.MILLISECONDS));
    }

    private Snapshot snapshot() {
        return new Snapshot(Machine.now(), childPid == 0 ? Map.of() : ThreadCpu.snapshot(childPid), ThreadCpu.snapshot(ProcessHandle.current().pid()));
    }

    private static double total(Map<String, Double> threads) {
        return threads.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** From the first snapshot to now, per fire: the machine's busy CPU and steal, and the child's top threads. */
    String describe(int fires, int threadRows) {
        Snapshot end = snapshot();
        Snapshot begin = start.getNow(null);
        if (begin == null || end.machine().all() == begin.machine().all()) {
            return "CPU: not measured (the window ended before it began, or no /proc/stat)";
        }
        long all = end.machine().all() - begin.machine().all();
        long busy = end.machine().busy() - begin.machine().busy();
        long steal = end.machine().steal() - begin.machine().steal();
        String machine = String.format("the machine's busy CPU %,.0f µs per fire (%.0f %% of its cores; %.1f %% stolen by the hypervisor)",
                busy / ThreadCpu.TICKS_PER_SECOND * 1e6 / fires, 100.0 * busy / all, 100.0 * steal / all);
        // The bench's own JVM shares the machine: its endpoint answers both sides, its tails time Punctual's results.
        String bench = String.format("; this bench's JVM %,.0f µs, by thread:%n%s", (total(end.bench()) - total(begin.bench())) * 1e6 / fires,
                ThreadCpu.top(begin.bench(), end.bench(), fires, 6));
        if (childPid == 0) {
            return machine + bench;
        }
        return String.format("%s; of it the child %,.0f µs, by thread:%n%s%s", machine, (total(end.threads()) - total(begin.threads())) * 1e6 / fires,
                ThreadCpu.top(begin.threads(), end.threads(), fires, threadRows), bench);
    }
}
