package io.punctual.bench.headline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time per thread of a process, from Linux's {@code /proc/<pid>/task/<tid>/stat} (utime + stime), threads named
 * as the JVM names them with digits folded, so a pool is one line. Two snapshots give where a run's CPU went,
 * native work (sockets, GC, JIT, RocksDB) included, which JFR's execution samples do not show. Empty off Linux.
 */
final class ThreadCpu {
    /** Clock ticks per second of {@code /proc} times; 100 on every Linux this bench runs on. */
    static final double TICKS_PER_SECOND = 100.0;

    private ThreadCpu() {
    }

    /** Seconds of CPU per folded thread name, as of now. */
    static Map<String, Double> snapshot(long pid) {
        Map<String, Double> out = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    // The name is in parentheses and may hold spaces; the fields after it are space-separated.
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "N");
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
                    out.merge(name, seconds, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // The thread ended meanwhile.
                }
            });
        } catch (IOException e) {
            // Not Linux, or the process is gone.
        }
        return out;
    }

    /** The threads that used the most CPU between two snapshots, as µs per unit of work (e.g. per fire). */
    static String top(Map<String, Double> before, Map<String, Double> after, int units, int rows) {
        Map<String, Double> used = new HashMap<>();
        after.forEach((name, seconds) -> used.put(name, seconds - before.getOrDefault(name, 0.0)));
        StringBuilder out = new StringBuilder();
        used.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(rows)
                .forEach(e -> out.append(String.format("  %8.1f µs  %s%n", e.getValue() * 1e6 / units, e.getKey())));
        return out.toString();
    }
}
