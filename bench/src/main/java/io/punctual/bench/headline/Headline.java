package io.punctual.bench.headline;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongUnaryOperator;

/**
 * The headline benchmarks of issue 9 in one command, each against Punctual as a user runs it (the standalone jar
 * in a child JVM, a fresh one per benchmark) and one endpoint standing in for Letta, printed as one table.
 *
 * <pre>
 * mvn -B -ntp -DskipTests package
 * java -cp bench/target/benchmarks.jar io.punctual.bench.headline.Headline [name=value ...]
 * </pre>
 *
 * Arguments (defaults in brackets): {@code only} [endpoint,burst,peer,steady,creates,planner,executor,profile],
 * {@code burst} [100000] fires, {@code burst-lead} [15 + burst/2000] s from sending the creates to the due second,
 * {@code peer-threads} [20,64], {@code steady-rate} [1000]/s, {@code steady-seconds} [60], {@code steady-warmup} [120] seconds of the same load first,
 * {@code creates-concurrency} [64,256], {@code creates-seconds} [20], {@code creates-warmup} [120] seconds of the same creates first, without a pause before the measured ones (the child's JIT compiler still took a third of its CPU after 40 s of creates), {@code creates-jfr} [false] (a JFR recording of each measured creates run, {@code <out>/creates-<C>.jfr}), {@code jfr-settings} [profile] (JFR's settings for every recording; {@code default} costs far less),
 * {@code planner-commands} [200000], {@code planner-warmup} [10000 or fewer] commands first, again in rounds until {@code planner-warmup-seconds} [120] have passed, {@code planner-jfr} [false] (a JFR recording of the measured planner run, {@code <out>/planner.jfr}), {@code executor-fires} [50000], {@code executor-agents} [= executor-fires], {@code executor-warmup} [100000] due events first, again in rounds until {@code executor-warmup-seconds} [120] have passed,
 * {@code executor-jfr} [false] (a JFR recording of the measured executor run, {@code <out>/executor.jfr}),
 * {@code creates-parts} [false] (where inside Kafka a create waits: produced → applied → readable, {@code CreateSightings}),
 * {@code raw-concurrency} [64, the executor's default max-in-flight], {@code raw-seconds} [10],
 * {@code endpoint-threads} [2], {@code warmup} [100000 for burst, peer and profile, 2000 before the steady row's own warm-up] fires of a burst before the measured one (Punctual and peer), {@code profile-burst} [= burst], {@code jar} [standalone/target/punctual.jar],
 * {@code out} [bench/target/headline-&lt;time&gt;], {@code child-flags} [none]: JVM flags of every child, space-separated, {@code {name}} standing for the row's child, {@code props} [none]: {@code key:value,...} system properties of every
 * child (the quota's limit is 100,000,000 unless set: one tenant holds every schedule of a run).
 *
 * <p>Long (about 350 lines) because it runs eight benchmarks in one process, one short method each, and prints their
 * table; the children, the Letta endpoint and the arguments are classes of their own.
 */
public final class Headline {
    private static final String QUOTA = "punctual.planner.max-schedules-per-tenant";
    /** A step of the system clock larger than this during a row marks its figures as not comparable (see {@link WallClock#systemAheadMillis}). */
    private static final long CLOCK_STEP_TOLERANCE_MS = 20;
    /** Fires of the warm-up burst of the burst, peer and profile rows (see {@link #warmUp}). */
    private static final int BURST_WARMUP = 100_000;
    private final Args args;
    private final Path jar;
    private final Path out;
    private final RunEndpoint endpoint;
    private final List<String[]> rows = new ArrayList<>();

    private final StringBuilder notes = new StringBuilder();

    private Headline(Args args, RunEndpoint endpoint) throws IOException {
        this.args = args;
        this.endpoint = endpoint;
        this.jar = Path.of(args.string("jar", "standalone/target/punctual.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(jar.toAbsolutePath() + " not found: build it with mvn -B -ntp -DskipTests package");
        }
        this.out = Files.createDirectories(Path.of(args.string("out",
                "bench/target/headline-" + Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", ""))));
    }

    public static void main(String[] argv) throws Exception {
        quietLogs();
        Args args = new Args(argv);
        try (RunEndpoint endpoint = new RunEndpoint(args.integer("endpoint-threads", 2))) {
            Headline headline = new Headline(args, endpoint);
            headline.runAll();
        }
        System.exit(0);
    }

    static void quietLogs() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
    }

    private void runAll() throws Exception {
        Set<String> only = new HashSet<>(args.strings("only", "endpoint,burst,peer,steady,creates,planner,executor,profile"));
        System.out.printf("Punctual headline benchmarks, %s, %d cores, load average %s; output in %s%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(), load(), out);
        int burst = args.integer("burst", 100_000);
        double[] punctualRate = {0};
        phase(only, "endpoint", this::endpointCeiling);
        phase(only, "burst", () -> punctualRate[0] = burst(burst));
        for (int threads : args.integers("peer-threads", "20,64")) {
            phase(only, "peer", () -> peer(burst, threads, punctualRate[0]));
        }
        phase(only, "steady", this::steady);
        for (int concurrency : args.integers("creates-concurrency", "64,256")) {
            phase(only, "creates", () -> creates(concurrency));
        }
        phase(only, "planner", this::planner);
        phase(only, "executor", this::executor);
        phase(only, "profile", () -> profile(args.integer("profile-burst", burst)));
        printTable();
    }

    /** Runs one benchmark if selected; a failure becomes a row of the table and the others still run. */
    private void phase(Set<String> only, String name, Step phase) {
        if (!only.contains(name)) {
            return;
        }
        String load = load();
        int rowsBefore = rows.size();
        // A step during an earlier row was that row's: this one's lags are measured from the clock as it is now.
        WallClock.rebase();
        long aheadBefore = WallClock.systemAheadMillis();
        try {
            phase.run();
        } catch (Exception | Error e) {
            e.printStackTrace(System.out);
            row(name, "FAILED: " + e, "", load);
        }
        long stepped = WallClock.systemAheadMillis() - aheadBefore;
        if (Math.abs(stepped) > CLOCK_STEP_TOLERANCE_MS) {
            // Seen on this machine: a 4.8 s step during a burst made it look 50 % faster and the steady lag negative.
            String warning = String.format(" **Not comparable: the system clock stepped %+,d ms during this row** (a paused virtual machine, or the clock set); run it again", stepped);
            System.out.println(warning);
            for (int i = rowsBefore; i < rows.size(); i++) {
                rows.get(i)[1] += warning;
            }
        }
    }

    private void endpointCeiling() throws Exception {
        String load = load();
        int concurrency = 256;
        BenchHttp.LoopResult r = ExecutorAlone.rawClient(endpoint, concurrency, args.integer("raw-seconds", 10));
        row("endpoint alone (its ceiling is at least this)",
                String.format("%,.0f req/s from Micronaut's Netty client, %d in flight, p99 %s; %d errors", r.perSecond(), concurrency,
                        Percentiles.ms(r.latency().p99Ms()), r.failed()), "not the bottleneck", load);
    }

    private double burst(int n) throws Exception {
        String load = load();
        try (StandaloneChild child = child("burst", List.of(), Map.of())) {
            warmUp(child, BURST_WARMUP);
            CpuWindow cpu = new CpuWindow(dueSecond(n), child.pid());
            OnceSchedules.Outcomes o = OnceSchedules.run(child, endpoint, n, i -> dueSecond(n));
            String cpuPerFire = cpu.describe(o.finals(), 12);
            double rate = o.finals() / o.allCommittedSec();
            row(String.format("burst %,d (Punctual)", n), String.format(
                    "**%,.0f fires/s**; all %,d final results committed %.1f s after the due second (%,d delivered, %d duplicate finals); "
                            + "lag at endpoint p50 %s, **p99 %s**; %,d arrivals, %d duplicates; creates applied in %.1f s%s%s",
                    rate, o.finals(), o.allCommittedSec(), o.delivered(), o.duplicateFinals(), Percentiles.ms(o.lag().p50Ms()),
                    Percentiles.ms(o.lag().p99Ms()), o.arrivals(), o.duplicateArrivals(), o.createsAppliedSec(),
                    o.appliedBeforeDue() ? "" : " (NOT before the due second)",
                    o.rejected() == 0 ? "" : String.format("; %,d creates REJECTED (applied too late)", o.rejected())),
                    "≥ 3× db-scheduler, p99 ≤ 6 s, one final result each", load);
            notes.append(String.format("%nburst lag by part: %s%n", o.parts().describe()));
            // What a fire costs the endpoint: its message, and the look-ups of the run it started that fell inside the
            // window (the stand-in answers a run completed at its first look-up).
            long due = dueSecond(n) * 1000;
            long lookups = endpoint.lookupsBetween(due, due + (long) (o.allCommittedSec() * 1_000_000));
            double perFire = (o.arrivals() + lookups) / (double) o.finals();
            notes.append(String.format("burst requests at the endpoint from the due second to the last final result: %,d messages + %,d run look-ups"
                    + " = %.2f per fire, %,.0f req/s at the burst's rate%n", o.arrivals(), lookups, perFire, perFire * rate));
            notes.append(String.format("burst CPU from the due second to the last final result: %s", cpuPerFire));
            return rate;
        }
    }

    /**
     * A burst first, so the measured one does not find the JVM cold (JIT, connections); the peer does the same. The
     * burst, peer and profile rows warm with a burst as large as the measured one: after 2,000 fires the child's JIT
     * still took 170 µs of the 964 µs of CPU a fire cost, and the machine's other threads ran its young code; warm,
     * the burst cost 485 µs a fire, and db-scheduler's 721 µs fell to 443 (PostgreSQL warm too).
     */
    private void warmUp(StandaloneChild child, int defaultFires) throws Exception {
        int warm = args.integer("warmup", defaultFires);
        if (warm > 0) {
            System.out.printf("  warm-up burst of %,d%n", warm);
            long due = (System.currentTimeMillis() / 1000 + 20 + warm / 1_000) * 1000;
            OnceSchedules.run(child, endpoint, warm, i -> due);
        }
    }

    /** The second all burst fires are due in: far enough ahead to create them all first. */
    private long dueSecond(int n) {
        return dueSecondCache == 0 ? (dueSecondCache = (System.currentTimeMillis() / 1000 + args.integer("burst-lead", 15 + n / 2_000)) * 1000)
                : dueSecondCache;
    }

    private long dueSecondCache;

    private void steady() throws Exception {
        String load = load();
        int rate = args.integer("steady-rate", 1_000);
        int seconds = args.integer("steady-seconds", 60);
        int n = rate * seconds;
        try (StandaloneChild child = child("steady", List.of(), Map.of())) {
            // The steady warm-up that follows does the rest.
            warmUp(child, 2_000);
            steadyWarmUp(child, rate);
            LongUnaryOperator due = evenly(rate, args.integer("steady-lead", 15 + n / 2_000));
            CpuWindow cpu = new CpuWindow(due.applyAsLong(0), child.pid());
            OnceSchedules.Outcomes o = OnceSchedules.run(child, endpoint, n, due);
            String cpuPerFire = cpu.describe(o.finals(), 12);
            row(String.format("steady %,d fires/s for %d s", rate, seconds), String.format(
                    // min: a fire reaching the endpoint before its time (the executor holds fires emitted early) shows below 0.
                    "due → request at endpoint min %.1f ms, p50 %s, **p99 %s**, max %s; %,d final results (%d duplicate finals), %d duplicate arrivals",
                    o.lag().minMs(), Percentiles.ms(o.lag().p50Ms()), Percentiles.ms(o.lag().p99Ms()), Percentiles.ms(o.lag().maxMs()),
                    o.finals(), o.duplicateFinals(), o.duplicateArrivals()), "p99 ≤ 100 ms", load);
            notes.append(String.format("%nsteady lag by part: %s%n", o.parts().describe()));
            notes.append(String.format("steady CPU from the first due time to the last final result: %s", cpuPerFire));
        }
    }

    /**
     * The same steady load for {@code steady-warmup} seconds before the measured one: after the warm-up burst alone
     * the child's JIT compiler still took more than a quarter of the machine's CPU through the measured minute (541 µs per fire),
     * and the slowest fires waited for it. The goal is about a service at its steady state, as for creates.
     */
    private void steadyWarmUp(StandaloneChild child, int rate) throws Exception {
        int seconds = args.integer("steady-warmup", 120);
        if (seconds > 0) {
            int n = rate * seconds;
            System.out.printf("  warm-up: %,d fires/s for %d s%n", rate, seconds);
            OnceSchedules.run(child, endpoint, n, evenly(rate, 15 + n / 2_000));
        }
    }

    /** Due times {@code rate} a second, to the millisecond, from {@code leadSeconds} ahead (time to create them). */
    private static LongUnaryOperator evenly(int rate, int leadSeconds) {
        long begin = (System.currentTimeMillis() / 1000 + leadSeconds) * 1000;
        return i -> begin + i * 1000L / rate;
    }

    private void creates(int concurrency) throws Exception {
        String load = load();
        // Limits off, as the figures were taken: no rate limit, and no quota (whose admission is two more
        // hops through Kafka per create, see the README's Quota section).
        Map<String, String> limitsOff = Map.of("punctual.gateway.rate-limit.per-second", "0", QUOTA, "0");
        try (StandaloneChild child = child("creates-" + concurrency, List.of(), limitsOff)) {
            // creates-jfr=true records the measured run alone (not start-up and warm-up) to <out>/creates-<C>.jfr.
            boolean jfr = args.string("creates-jfr", "false").equals("true");
            // What the measured part starts from, taken when the warm-up ends while the load goes on.
            AtomicReference<MeasuredFrom> from = new AtomicReference<>();
            BenchHttp.LoopResult r;
            try {
                r = GatewayCreates.run(child, concurrency, args.integer("creates-warmup", 120), () -> {
                    if (jfr) {
                        jcmd(child, "JFR.start", "name=creates", "settings=" + jfrSettings());
                    }
                    // creates-parts=true tails the command topics meanwhile (in this JVM, so off by default): where inside Kafka a create waits.
                    from.set(new MeasuredFrom(child.cpuTime(), ThreadCpu.snapshot(child.pid()),
                            args.string("creates-parts", "false").equals("true") ? new CreateSightings(child) : null));
                }, args.integer("creates-seconds", 20));
            } finally {
                if (from.get() != null && from.get().sightings() != null) {
                    from.get().sightings().close();
                }
            }
            CreateSightings sightings = from.get().sightings();
            if (sightings != null) {
                notes.append(String.format("%ncreates, %d in flight, in parts: %s%n", concurrency, sightings.describe()));
            }
            int acknowledged = Math.max(1, r.ok());
            double cpuMicros = child.cpuTime().minus(from.get().cpu()).toNanos() / 1_000.0 / acknowledged;
            String threads = ThreadCpu.top(from.get().threads(), ThreadCpu.snapshot(child.pid()), acknowledged, 20);
            Files.writeString(out.resolve("creates-" + concurrency + "-threads.txt"), threads);
            notes.append(String.format("%ncreates, %d in flight: the child's CPU per create by thread (kernel names, 15 characters)%n%s", concurrency, threads));
            if (jfr) {
                jcmd(child, "JFR.stop", "name=creates", "filename=" + out.resolve("creates-" + concurrency + ".jfr").toAbsolutePath());
            }
            row(String.format("creates POST /v1/schedules, %d in flight", concurrency), String.format(
                    "**%,.0f/s** acknowledged (201 after the planner applied), p50 %s, **p99 %s**; %d not 201; the child's CPU %,.0f µs per create",
                    r.perSecond(), Percentiles.ms(r.latency().p50Ms()), Percentiles.ms(r.latency().p99Ms()), r.failed(), cpuMicros),
                    "≥ 5,000/s, p99 ≤ 100 ms", load);
        }
    }

    /** The child's CPU, its threads' CPU and the topic tails (or null) when a measured creates run began. */
    private record MeasuredFrom(Duration cpu, Map<String, Double> threads, CreateSightings sightings) {
    }

    private void planner() throws Exception {
        String load = load();
        int n = args.integer("planner-commands", 200_000);
        try (StandaloneChild child = child("planner", List.of(), Map.of())) {
            // The warm-up lets the child's JIT compile the command path first; at 10,000 its compiler threads
            // still took a third of the child's CPU during the measured run (planner-warmup sets it), and 52 of 137
            // µs per command on the machine of 2026-12-01: rounds of it until planner-warmup-seconds have passed,
            // as the creates and executor rows warm.
            int warm = args.integer("planner-warmup", Math.min(n, 10_000));
            if (warm > 0) {
                int rounds = warmRounds("planner-warmup-seconds", () -> PlannerCommands.run(child, warm));
                System.out.printf("  warm-up: %d rounds of %,d commands%n", rounds, warm);
            }
            // planner-jfr=true records the measured run only (not start-up and warm-up), as the profile row does.
            boolean record = Boolean.parseBoolean(args.string("planner-jfr", "false"));
            Path recording = out.resolve("planner.jfr").toAbsolutePath();
            if (record) {
                jcmd(child, "JFR.start", "name=planner", "settings=" + jfrSettings());
            }
            PlannerCommands.Outcome o = PlannerCommands.run(child, n);
            if (record) {
                jcmd(child, "JFR.stop", "name=planner", "filename=" + recording);
                notes.append(String.format("%nplanner run recorded (JFR on) in %s%n", recording));
            }
            notes.append(String.format("%nplanner run: the child's CPU per command by thread (kernel names, 15 characters)%n%s", o.threads()));
            row(String.format("planner applying %,d creates", n), String.format(
                    "**%,.0f commands/s** (all %,d results readable after %.1f s; %,d accepted); the driver alone sent %,.0f/s;"
                            + " the child's CPU %.0f µs per command",
                    o.perSecond(), n, o.appliedSec(), o.accepted(), o.driverPerSecond(), o.childCpuMicrosPerCommand()), "≥ 30,000/s", load);
        }
    }

    private void executor() throws Exception {
        String load = load();
        int n = args.integer("executor-fires", 50_000);
        // Each fire to its own agent by default, like the burst: an agent's next message waits for its previous run
        // to end (one run per agent), so fires sharing agents measure that rule (a run look-up a second after each
        // delivery) rather than the executor's throughput.
        int agents = args.integer("executor-agents", n);
        int concurrency = args.integer("raw-concurrency", 64);
        BenchHttp.LoopResult raw = ExecutorAlone.rawClient(endpoint, concurrency, args.integer("raw-seconds", 10));
        try (StandaloneChild child = child("executor", List.of(), Map.of())) {
            // Warm, as the steady and creates rows: after 20,000 fires the child's JIT still took a third of its CPU,
            // and after one warm-up of 100,000 (the child then 35 s old, -XX:+PrintCompilation: 1,200-2,700
            // compilations and 200-600 deoptimizations every 5 s) still 57-66 µs of its 150-179 µs per fire. So
            // rounds of executor-warmup due events until executor-warmup-seconds have passed, as long as the
            // creates row's warm-up.
            int warm = args.integer("executor-warmup", 100_000);
            if (warm > 0) {
                int rounds = warmRounds("executor-warmup-seconds", () -> ExecutorAlone.run(child, warm, agents == n ? warm : agents));
                System.out.printf("  warm-up: %d rounds of %,d due events%n", rounds, warm);
            }
            // executor-jfr=true records the measured run alone (not start-up and warm-up) to <out>/executor.jfr.
            boolean jfr = args.string("executor-jfr", "false").equals("true");
            if (jfr) {
                jcmd(child, "JFR.start", "name=executor", "settings=" + jfrSettings());
            }
            // The child's CPU over the run (broker, planner and gateway included: they handle each fire's records too).
            Duration cpuBefore = child.cpuTime();
            Map<String, Double> threadsBefore = ThreadCpu.snapshot(child.pid());
            ExecutorAlone.Outcome o = ExecutorAlone.run(child, n, agents);
            double cpuMicrosPerFire = child.cpuTime().minus(cpuBefore).toNanos() / 1_000.0 / n;
            String threads = ThreadCpu.top(threadsBefore, ThreadCpu.snapshot(child.pid()), n, 20);
            Files.writeString(out.resolve("executor-threads.txt"), threads);
            System.out.printf("child CPU per fire by thread:%n%s", threads);
            if (jfr) {
                jcmd(child, "JFR.stop", "name=executor", "filename=" + out.resolve("executor.jfr").toAbsolutePath());
            }
            row(String.format("executor alone, %,d due events, %,d agents", n, agents), String.format(
                    "**%,.0f fires/s** with results committed = **%.0f %%** of the raw client's %,.0f req/s (%d in flight, same endpoint); child CPU %,.0f µs per fire",
                    o.perSecond(), 100 * o.perSecond() / raw.perSecond(), raw.perSecond(), concurrency, cpuMicrosPerFire), "≥ 25 % of raw", load);
        }
    }

    /** Runs {@code round} at least once, and again until the seconds of argument {@code secondsArg} (120) have passed. */
    private int warmRounds(String secondsArg, Step round) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(args.integer(secondsArg, 120));
        int rounds = 0;
        do {
            round.run();
            rounds++;
        } while (System.nanoTime() < until);
        return rounds;
    }

    /**
     * JFR's settings for every recording ({@code jfr-settings}, default {@code profile}): {@code default} samples
     * Java threads every 20 ms instead of 10 and records less.
     */
    private String jfrSettings() {
        return args.string("jfr-settings", "profile");
    }

    private void profile(int n) throws Exception {
        String load = load();
        Path recording = out.resolve("burst.jfr").toAbsolutePath();
        try (StandaloneChild child = child("profile", List.of(), Map.of())) {
            warmUp(child, BURST_WARMUP);
            // Recording only the measured burst (not start-up and warm-up): started and stopped with jcmd.
            jcmd(child, "JFR.start", "name=burst", "settings=" + jfrSettings());
            dueSecondCache = 0;
            OnceSchedules.Outcomes o = OnceSchedules.run(child, endpoint, n, i -> dueSecond(n));
            jcmd(child, "JFR.stop", "name=burst", "filename=" + recording);
            notes.append(String.format("%nprofiled burst (JFR on): %,.0f fires/s, p99 lag %s%n", o.finals() / o.allCommittedSec(),
                    Percentiles.ms(o.lag().p99Ms())));
        }
        String summary = JfrTopFrames.summarize(recording, 25);
        Files.writeString(out.resolve("burst-profile.txt"), summary);
        System.out.println(summary);
        row(String.format("profile of a %,d burst", n), "top frames in " + out.resolve("burst-profile.txt") + ", recording "
                + recording, "", load);
    }

    private static void jcmd(StandaloneChild child, String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(child.pid())));
        line.addAll(List.of(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + output);
        }
    }

    private void peer(int n, int threads, double punctualRate) throws Exception {
        String load = load();
        endpoint.reset();
        Path ownJar = Path.of(System.getProperty("java.class.path").split(File.pathSeparator)[0]).toAbsolutePath();
        Path dir = Files.createDirectories(out.resolve("peer-" + threads));
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // PostgreSQL will not run as root: the peer runs as nobody, from a copy of this jar it can read.
            Path copy = dir.resolve("benchmarks.jar");
            Files.copy(ownJar, copy, StandardCopyOption.REPLACE_EXISTING);
            ownJar = copy;
            for (Path p : List.of(out, dir, copy)) {
                p.toFile().setReadable(true, false);
                p.toFile().setExecutable(true, false);
            }
            dir.toFile().setWritable(true, false);
            command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + dir.toAbsolutePath(), "-Duser.home=" + dir.toAbsolutePath(),
                "-cp", ownJar.toString(), DbSchedulerBurst.class.getName(), endpoint.baseUrl(), Integer.toString(n), Integer.toString(threads),
                Integer.toString(args.integer("warmup", BURST_WARMUP))));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        long due = 0;
        long done = 0;
        CpuWindow cpu = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer log = Files.newBufferedWriter(dir.resolve("peer.log"))) {
            for (String line; (line = lines.readLine()) != null; ) {
                log.write(line + "\n");
                if (line.startsWith("DUE ")) {
                    due = Long.parseLong(line.substring(4).trim());
                    cpu = new CpuWindow(due, 0);
                } else if (line.startsWith("DONE ")) {
                    done = Long.parseLong(line.substring(5).trim());
                    notes.append(String.format("%ndb-scheduler, %d threads, CPU from the due second to the last row done: %s%n", threads,
                            cpu == null ? "not measured" : cpu.describe(n, 0)));
                } else if (line.startsWith("WARM")) {
                    endpoint.reset();
                } else if (line.startsWith("INSERTED") || line.startsWith("NOTE")) {
                    System.out.println("  db-scheduler: " + line);
                }
            }
        }
        process.waitFor();
        if (due == 0 || done == 0) {
            throw new IllegalStateException("the db-scheduler run did not finish; see " + dir.resolve("peer.log"));
        }
        long[] lags = new long[n];
        int firsts = 0;
        int total = 0;
        Set<String> keys = new HashSet<>(n * 2);
        for (RunEndpoint.Arrival a : endpoint.arrivals()) {
            total++;
            if (keys.add(a.idempotencyKey()) && firsts < n) {
                lags[firsts++] = a.epochMicros() - due * 1000;
            }
        }
        Percentiles lag = Percentiles.ofMicros(lags, firsts);
        double rate = n / ((done - due) / 1000.0);
        row(String.format("burst %,d (db-scheduler 16.12, PostgreSQL, lock-and-fetch, %d threads)", n, threads), String.format(
                "%,.0f fires/s; all rows done %.1f s after the due second; lag at endpoint p50 %s, p99 %s; %,d arrivals, %d duplicates%s",
                rate, (done - due) / 1000.0, Percentiles.ms(lag.p50Ms()), Percentiles.ms(lag.p99Ms()), total, total - keys.size(),
                punctualRate > 0 ? String.format("; **Punctual %.2f×**", punctualRate / rate) : ""), "", load);
        endpoint.reset();
    }

    private StandaloneChild child(String name, List<String> jvmFlags, Map<String, String> properties) throws Exception {
        System.out.printf("%s: starting %s ...%n", name, jar);
        // One tenant holds every schedule of a run: the quota stays on (its admission is part of each create's
        // path), with a limit above the largest run instead of the default 10,000.
        Map<String, String> all = new HashMap<>(Map.of(QUOTA, "100000000"));
        all.putAll(properties);
        // props=key:value,key:value sets properties of every child, to compare settings with the same command.
        for (String pair : args.strings("props", "")) {
            if (!pair.isBlank()) {
                all.put(pair.substring(0, pair.indexOf(':')), pair.substring(pair.indexOf(':') + 1));
            }
        }
        // child-flags="-XX:+UseZGC -XX:StartFlightRecording=..." adds JVM flags to every child (space-separated).
        List<String> flags = new ArrayList<>(jvmFlags);
        for (String flag : args.string("child-flags", "").trim().split("\\s+")) {
            if (!flag.isBlank()) {
                flags.add(flag.replace("{name}", name));
            }
        }
        if (recordsLater(name)) {
            // After JFR's first start the JIT compiles much of the child again (most likely as JFR instruments JDK
            // classes then): a recording first started mid-run (jcmd) gave 291 creates/s, the JIT 2,284 µs per
            // create; with JFR started (for a second) with the child, 1,261/s and 332 µs; none, 1,874–1,932/s, 137–232 µs.
            flags.add("-XX:StartFlightRecording=name=init,duration=1s,settings=" + jfrSettings());
        }
        return StandaloneChild.start(jar, out, name, endpoint.baseUrl(), flags, all);
    }

    /** Whether the row {@code name} records its measured run with JFR (started with jcmd once it is warm). */
    private boolean recordsLater(String name) {
        String row = name.split("-")[0]; // creates-256 is the creates row
        return row.equals("profile") || args.string(row + "-jfr", "false").equals("true");
    }

    private void row(String benchmark, String result, String goal, String loadBefore) {
        String[] row = {benchmark, result, goal, loadBefore + " → " + load()};
        rows.add(row);
        System.out.printf("| %s | %s | %s | %s |%n", (Object[]) row);
    }

    private void printTable() throws IOException {
        StringBuilder table = new StringBuilder();
        table.append(String.format("%nPunctual headline benchmarks, %s, %d cores%n%n", Instant.now().truncatedTo(ChronoUnit.SECONDS),
                Runtime.getRuntime().availableProcessors()));
        table.append("| benchmark | result | goal (issue 9) | load average (1 min) before → after |\n| --- | --- | --- | --- |\n");
        for (String[] row : rows) {
            table.append(String.format("| %s | %s | %s | %s |%n", (Object[]) row));
        }
        table.append(notes);
        System.out.print(table);
        Files.writeString(out.resolve("results.md"), table);
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }
}
