package io.punctual.bench.headline;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The peer: the same burst on db-scheduler with PostgreSQL (embedded, no install). N one-time task instances due
 * in the same second, each to its own agent; each execution posts the message call to the endpoint with the same
 * HTTP client the executor uses and completes when it is answered (db-scheduler then deletes the row). Polling is
 * lock-and-fetch ({@code SELECT ... FOR UPDATE SKIP LOCKED}), checked every 100 ms like Punctual's punctuation.
 *
 * <p>A warm-up burst of {@code warm} instances runs first. Runs in its own JVM (PostgreSQL refuses to run as root, so {@link Headline} starts it as an unprivileged user
 * when it is root) and prints {@code WARM}, {@code DUE <epoch ms>} and {@code DONE <epoch ms of the last row deleted>}; the
 * parent measures the arrivals at its endpoint.
 *
 * <pre>java -cp benchmarks.jar io.punctual.bench.headline.DbSchedulerBurst endpointUrl fires threads [warm=2000] [leadSeconds=10+fires/5000]</pre>
 */
public final class DbSchedulerBurst {
    private static final String TABLE = """
            create table scheduled_tasks (
              task_name text not null,
              task_instance text not null,
              task_data bytea,
              execution_time timestamp with time zone not null,
              picked boolean not null,
              picked_by text,
              last_success timestamp with time zone,
              last_failure timestamp with time zone,
              consecutive_failures int,
              last_heartbeat timestamp with time zone,
              version bigint not null,
              priority smallint,
              primary key (task_name, task_instance)
            );
            create index execution_time_idx on scheduled_tasks (execution_time);
            create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);
            create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
            """;

    private DbSchedulerBurst() {
    }

    public static void main(String[] args) throws Exception {
        Headline.quietLogs();
        String endpoint = args[0];
        int n = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int warm = args.length > 3 ? Integer.parseInt(args[3]) : 2_000;
        int lead = args.length > 4 ? Integer.parseInt(args[4]) : 10 + n / 5_000;
        Path pgDir = Files.createTempDirectory("bench-pg");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(pgDir).setCleanDataDirectory(true)
                .setServerConfig("max_connections", "300").start()) {
            HikariConfig pool = new HikariConfig();
            pool.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
            pool.setMaximumPoolSize(threads + 8);
            try (HikariDataSource db = new HikariDataSource(pool);
                 HttpClient http = BenchHttp.client(endpoint, threads)) {
                try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
                    s.execute(TABLE);
                }
                AtomicInteger done = new AtomicInteger();
                byte[] body = "{\"messages\":[{\"role\":\"user\",\"content\":\"wake up\"}]}".getBytes(StandardCharsets.UTF_8);
                OneTimeTask<Void> fire = Tasks.oneTime("fire").execute((instance, context) -> {
                    HttpResponse<byte[]> answer = Mono.from(http.exchange(HttpRequest.POST(
                                    "/v1/agents/" + instance.getId() + "/messages/async", body)
                            .contentType(MediaType.APPLICATION_JSON_TYPE).bearerAuth("sk-let-bench")
                            .header("Idempotency-Key", instance.getId()), BenchHttp.BYTES, BenchHttp.BYTES)).block();
                    if (answer == null || answer.code() / 100 != 2) {
                        throw new IllegalStateException("endpoint answered " + (answer == null ? "nothing" : answer.code()));
                    }
                    done.incrementAndGet();
                });
                Scheduler scheduler = Scheduler.create(db, fire).threads(threads)
                        .pollUsingLockAndFetch(0.5, 1.0)
                        .pollingInterval(Duration.ofMillis(100))
                        .build();
                scheduler.start();
                // A small burst first, as for Punctual, so neither side is measured cold (JIT, connections).
                scheduler.scheduleBatch(instances("warm", warm, fire), Instant.now().plusSeconds(1));
                awaitDone(db, done, warm);
                System.out.println("WARM " + warm);
                System.out.flush();
                done.set(0);
                Instant due = Instant.ofEpochMilli((System.currentTimeMillis() / 1000 + lead) * 1000);
                List<TaskInstance<?>> instances = instances("agent", n, fire);
                long inserting = System.nanoTime();
                scheduler.scheduleBatch(instances, due);
                System.out.printf("INSERTED %d in %.1f s%n", n, (System.nanoTime() - inserting) / 1e9);
                if (Instant.now().isAfter(due)) {
                    System.out.println("NOTE inserting ended after the due time; raise the lead");
                }
                System.out.println("DUE " + due.toEpochMilli());
                System.out.flush();
                awaitDone(db, done, n);
                System.out.println("DONE " + System.currentTimeMillis());
                System.out.flush();
                scheduler.stop();
            }
        }
        System.exit(0);
    }

    private static List<TaskInstance<?>> instances(String prefix, int n, OneTimeTask<Void> task) {
        List<TaskInstance<?>> instances = new ArrayList<>(n);
        String tag = Long.toString(System.nanoTime(), 36);
        for (int i = 0; i < n; i++) {
            instances.add(task.instance(prefix + "-" + tag + "-" + i));
        }
        return instances;
    }

    /** Until {@code n} executions finished and their rows are gone (db-scheduler deletes a finished one-time instance). */
    private static void awaitDone(HikariDataSource db, AtomicInteger done, int n) throws Exception {
        while (done.get() < n) {
            Thread.sleep(20);
        }
        while (remaining(db) > 0) {
            Thread.sleep(20);
        }
    }

    private static long remaining(HikariDataSource db) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select count(*) from scheduled_tasks")) {
            r.next();
            return r.getLong(1);
        }
    }
}
