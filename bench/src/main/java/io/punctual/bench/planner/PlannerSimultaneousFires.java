package io.punctual.bench.planner;

import io.punctual.schemas.DueEvent;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;

/**
 * (b) The time to emit N fires due at the same second, on a real broker under exactly-once: N one-time schedules
 * all at instant T are created well before T; measured from T until the last due event is readable (read_committed),
 * and checked: every fire once. Usage: PlannerSimultaneousFires [N=100000] [maxFiresPerPunctuation=10000]
 */
public final class PlannerSimultaneousFires {
    private PlannerSimultaneousFires() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int maxFires = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        try (BrokerPlanner bench = new BrokerPlanner(maxFires);
             KafkaConsumer<String, byte[]> due = bench.consumer(Topics.DUE.name());
             KafkaProducer<String, byte[]> producer = bench.producer()) {
            String prefix = bench.kafka.uniqueName("fire");
            Instant at = Instant.now().plusSeconds(150).truncatedTo(ChronoUnit.SECONDS);
            for (int i = 0; i < n; i++) {
                String id = prefix + "-" + i;
                producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), id, bench.create(id, new OnceCadence(at))));
            }
            producer.flush();
            System.out.printf("%,d schedules produced at %s; all due at %s%n", n, Instant.now(), at);
            Set<String> fireIds = new HashSet<>(n * 2);
            int duplicates = 0;
            Instant lastEmitted = at;
            while (fireIds.size() < n) {
                for (ConsumerRecord<String, byte[]> r : due.poll(Duration.ofMillis(200))) {
                    DueEvent event = bench.serdes.valueSerde(Topics.DUE).deserializer().deserialize(r.topic(), r.value());
                    if (event.getScheduleId().startsWith(prefix)) {
                        if (!fireIds.add(event.getFireId())) {
                            duplicates++;
                        }
                        if (event.getEmittedAt().isAfter(lastEmitted)) {
                            lastEmitted = event.getEmittedAt();
                        }
                    }
                }
                if (Instant.now().isAfter(at.plus(Duration.ofMinutes(10)))) {
                    throw new IllegalStateException("only " + fireIds.size() + " fires 10 minutes after " + at);
                }
            }
            Instant readable = Instant.now();
            System.out.printf("%,d fires, %d duplicates: last emitted %d ms after the due second, all readable %d ms after it%n",
                    fireIds.size(), duplicates, Duration.between(at, lastEmitted).toMillis(), Duration.between(at, readable).toMillis());
        }
        System.exit(0);
    }
}
