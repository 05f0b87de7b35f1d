package io.punctual.bench.executor;

import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.ApplicationConfiguration;
import io.punctual.executor.config.DeliverySettings;
import io.punctual.executor.config.ExecutorSettings;
import io.punctual.executor.config.RunSettings;
import io.punctual.executor.letta.LettaClient;
import io.punctual.executor.letta.LettaDeliverer;
import io.punctual.executor.letta.LettaHttpClientConfiguration;
import io.punctual.executor.runs.RunFollower;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.FollowedRun;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.fire.FireIds;
import io.punctual.testkit.LettaStandIn;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Cost of following many Letta runs at once: the executor's {@link RunFollower} with its real Letta client (Netty)
 * and look-up path (key decryption per look-up) against the Letta stand-in, whose runs stay {@code running} for
 * the whole measurement. Reports the threads the follower adds, the heap it holds per followed run (after GC), and
 * the look-ups per second it sends to Letta in its first minute (doubling backoff) and at its steady state.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.punctual.bench.executor.RunFollowingCost [runs=10000] [pollInitial=1s] [pollMax=30s] [seconds=90]</pre>
 */
public final class RunFollowingCost {
    private RunFollowingCost() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Duration pollInitial = args.length > 1 ? Duration.parse("PT" + args[1].toUpperCase(Locale.ROOT)) : RunSettings.defaults().pollInitial();
        Duration pollMax = args.length > 2 ? Duration.parse("PT" + args[2].toUpperCase(Locale.ROOT)) : RunSettings.defaults().pollMax();
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 150;

        try (LettaStandIn letta = new LettaStandIn()) {
            letta.runsWorkFor(Duration.ofHours(1), "completed").recordRequests(false);
            KeyMaterial keys = KeyMaterial.generate();
            ExecutorSettings settings = new ExecutorSettings("bench", "bench", 64, Duration.ofSeconds(30), letta.baseUrl());
            HttpClient http = HttpClient.create(null, new LettaHttpClientConfiguration(new ApplicationConfiguration(), settings));
            LettaDeliverer deliverer = new LettaDeliverer(new LettaClient(http, settings), keys, settings, DeliverySettings.defaults(), Clock.systemUTC());
            RunSettings runSettings = new RunSettings(pollInitial, pollMax, Duration.ofHours(1), RunSettings.defaults().maxLookupsInFlight(),
                    RunSettings.defaults().maxWait());

            // Warm the client (connections, classes) on one run, so the figures are the runs', not the start's.
            RunFollower warm = new RunFollower(deliverer::lookUpRun, runSettings, Clock.systemUTC());
            warm.follow(run(keys, letta, 0));
            Thread.sleep(3_000);
            warm.close();

            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            List<FollowedRun> followed = new ArrayList<>(runs);
            for (int i = 0; i < runs; i++) {
                followed.add(run(keys, letta, i));
            }
            System.gc();
            Thread.sleep(500);
            long heapBefore = memory.getHeapMemoryUsage().getUsed();
            int threadsBefore = nonStandInThreads();

            RunFollower follower = new RunFollower(deliverer::lookUpRun, runSettings, Clock.systemUTC());
            long started = System.nanoTime();
            followed.forEach(follower::follow);
            int firstMinute = 0;
            int lastSent = 0;
            int[] perSecond = new int[seconds];
            for (int s = 0; s < seconds; s++) {
                Thread.sleep(1_000);
                int sent = follower.lookupsSent();
                perSecond[s] = sent - lastSent;
                lastSent = sent;
                if (s < 60) {
                    firstMinute = sent;
                }
            }
            int threadsDuring = nonStandInThreads();
            System.gc();
            Thread.sleep(500);
            long heapDuring = memory.getHeapMemoryUsage().getUsed();
            double elapsed = (System.nanoTime() - started) / 1e9;
            int steadyWindow = Math.min(60, seconds / 2);
            double steady = 0;
            for (int s = seconds - steadyWindow; s < seconds; s++) {
                steady += perSecond[s];
            }
            steady /= steadyWindow;
            System.out.printf(Locale.ROOT, "runs followed: %d (still following %d after %.0f s)%n", runs, follower.followedRuns(), elapsed);
            System.out.printf(Locale.ROOT, "threads: %d before, %d while following (the follower's timer; Netty's event loop is shared with deliveries)%n",
                    threadsBefore, threadsDuring);
            System.out.printf(Locale.ROOT, "heap held by the follower after GC: %.1f MB (%.0f bytes per run, the runs' own records excluded)%n",
                    (heapDuring - heapBefore) / 1e6, (heapDuring - heapBefore) / (double) runs);
            System.out.printf(Locale.ROOT, "look-ups to Letta: %d in the first 60 s (%.0f/s), %.0f/s over the last %d s (steady state: runs / poll-max = %.0f/s)%n",
                    firstMinute, firstMinute / 60.0, steady, steadyWindow, runs / (double) pollMax.toSeconds());
            System.out.printf(Locale.ROOT, "look-ups per second: %s%n", Arrays.toString(perSecond));
            follower.close();
            http.close();
        }
        System.exit(0);
    }

    private static FollowedRun run(KeyMaterial keys, LettaStandIn letta, int i) {
        String agent = "agent-" + i;
        String scheduleId = "sched-" + i;
        Instant now = Instant.now();
        DueEvent fire = DueEvent.newBuilder()
                .setFireId(FireIds.of(scheduleId, now)).setScheduleId(scheduleId).setTenant("bench")
                .setScheduledFor(now).setEmittedAt(now).setAttempt(1)
                .setTarget(LettaTarget.newBuilder().setAgentId(agent)
                        .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("follow me").build()))
                        .setMode(DeliveryMode.ASYNC).setApiKeyCiphertext(keys.apiKeyCipher().encrypt("sk-bench", scheduleId)).build())
                .build();
        return new FollowedRun(letta.startRun(agent), fire, now, now, false, 200);
    }

    private static int nonStandInThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> !t.getName().startsWith("letta-stand-in")).count();
    }
}
