package io.punctual.bench.headline;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the CPU went, from a JFR recording's {@code jdk.ExecutionSample} events: samples by thread (numbers in
 * thread names folded, so a pool is one line), by leaf method (self time), and by method anywhere on the stack
 * (total time; and Punctual's own methods alone), each with its share of all samples. JDK 17's {@code jfr} tool has no {@code view hot-methods}.
 *
 * <pre>java -cp benchmarks.jar io.punctual.bench.headline.JfrTopFrames recording.jfr [rows]</pre>
 */
public final class JfrTopFrames {
    private JfrTopFrames() {
    }

    public static void main(String[] args) throws IOException {
        System.out.print(summarize(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 25));
    }

    static String summarize(Path recording, int rows) throws IOException {
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> ours = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!"jdk.ExecutionSample".equals(event.getEventType().getName())) {
                continue;
            }
            samples++;
            RecordedThread thread = event.getThread("sampledThread");
            String name = thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName();
            threads.merge(name.replaceAll("\\d+", "N"), 1, Integer::sum);
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = stack.getFrames();
            self.merge(method(frames.get(0)), 1, Integer::sum);
            Set<String> onStack = new HashSet<>();
            for (RecordedFrame frame : frames) {
                if (onStack.add(method(frame))) {
                    total.merge(method(frame), 1, Integer::sum);
                    if (method(frame).startsWith("io.punctual.")) {
                        ours.merge(method(frame), 1, Integer::sum);
                    }
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format("%,d execution samples in %s%n", samples, recording.getFileName()));
        append(out, "threads (numbers folded)", threads, samples, rows);
        append(out, "leaf frames (self)", self, samples, rows);
        append(out, "Punctual's own frames anywhere on the stack (total)", ours, samples, rows);
        append(out, "frames anywhere on the stack (total)", total, samples, rows);
        return out.toString();
    }

    private static String method(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static void append(StringBuilder out, String title, Map<String, Integer> counts, int samples, int rows) {
        out.append(String.format("%n  %s%n", title));
        Map<String, Integer> top = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(rows)
                .forEach(e -> top.put(e.getKey(), e.getValue()));
        top.forEach((k, v) -> out.append(String.format("  %5.1f %%  %7d  %s%n", 100.0 * v / Math.max(1, samples), v, k)));
    }
}
