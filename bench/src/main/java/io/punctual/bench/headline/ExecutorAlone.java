package io.punctual.bench.headline;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.punctual.kernel.secrets.ApiKeyCipher;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.fire.FireIds;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * The executor alone: N due events produced to {@code punctual.due} in transactions of 1,000 (as the planner emits
 * them), timed from the first produce until the N-th final result is readable (read_committed). Beside it, the raw
 * rate of the same HTTP client to the same endpoint at the executor's concurrency.
 */
final class ExecutorAlone {
    record Outcome(int fires, double seconds, int finals) {
        double perSecond() {
            return fires / seconds;
        }
    }

    private ExecutorAlone() {
    }

    static Outcome run(StandaloneChild child, int n, int agents) throws Exception {
        KafkaSide kafka = new KafkaSide(child);
        ApiKeyCipher cipher = child.keys().apiKeyCipher();
        Serializer<DueEvent> serializer = kafka.serdes.valueSerde(Topics.DUE).serializer();
        String prefix = "exec-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Instant at = Instant.now();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String agent = "agent-" + prefix + (i % agents);
            String scheduleId = prefix + i;
            DueEvent fire = DueEvent.newBuilder()
                    .setFireId(FireIds.of(scheduleId, at)).setScheduleId(scheduleId).setTenant("bench")
                    .setScheduledFor(at).setEmittedAt(at).setAttempt(1)
                    .setTarget(LettaTarget.newBuilder().setAgentId(agent)
                            .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("tick").build()))
                            .setApiKeyCiphertext(cipher.encrypt("sk-let-bench", scheduleId)).build())
                    .build();
            records.add(new ProducerRecord<>(Topics.DUE.name(), agent.getBytes(StandardCharsets.UTF_8),
                    serializer.serialize(Topics.DUE.name(), fire)));
        }
        try (KafkaSide.Tail<ExecutionResult> results = kafka.tail(Topics.RESULTS);
             KafkaProducer<byte[], byte[]> producer = kafka.producer("bench-due-" + prefix)) {
            producer.initTransactions();
            long start = System.nanoTime();
            for (int from = 0; from < n; from += 1_000) {
                producer.beginTransaction();
                records.subList(from, Math.min(n, from + 1_000)).forEach(producer::send);
                producer.commitTransaction();
            }
            Set<String> finished = new HashSet<>(n * 2);
            while (finished.size() < n) {
                results.poll(r -> {
                    if (r.getScheduleId().startsWith(prefix) && OnceSchedules.isFinal(r.getOutcome())) {
                        finished.add(r.getFireId());
                    }
                });
                if (System.nanoTime() - start > 600_000_000_000L) {
                    throw new IllegalStateException("only " + finished.size() + " of " + n + " final results after 10 minutes");
                }
            }
            return new Outcome(n, (System.nanoTime() - start) / 1e9, finished.size());
        }
    }

    /** The same client, alone, posting message calls to the endpoint with {@code concurrency} in flight. */
    static BenchHttp.LoopResult rawClient(RunEndpoint endpoint, int concurrency, int seconds) throws Exception {
        byte[] body = "{\"messages\":[{\"role\":\"user\",\"content\":\"tick\"}]}".getBytes(StandardCharsets.UTF_8);
        try (HttpClient client = BenchHttp.client(endpoint.baseUrl(), concurrency)) {
            IntFunction<HttpRequest<byte[]>> call = i -> HttpRequest.POST(
                            "/v1/agents/agent-raw-" + (i % 1000) + "/messages/async", body)
                    .contentType(MediaType.APPLICATION_JSON_TYPE).bearerAuth("sk-let-bench").header("Idempotency-Key", "raw-" + i);
            // A cold client is many times slower for its first seconds (JIT, connections): warm it up first.
            BenchHttp.closedLoop(client, concurrency, Math.max(3, seconds / 2), call, 200);
            BenchHttp.LoopResult result = BenchHttp.closedLoop(client, concurrency, seconds, call, 200);
            endpoint.reset();
            return result;
        }
    }
}
