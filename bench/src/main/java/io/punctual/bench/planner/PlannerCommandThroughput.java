package io.punctual.bench.planner;

import io.punctual.schemas.CommandResult;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;

/**
 * (a) Commands per second the planner applies, on a real broker under exactly-once: N creates produced as fast as
 * the producer goes, timed from the first send until their N command results are readable (read_committed).
 * Usage: PlannerCommandThroughput [N=50000]
 */
public final class PlannerCommandThroughput {
    private PlannerCommandThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        try (BrokerPlanner bench = new BrokerPlanner(10_000);
             KafkaConsumer<String, byte[]> results = bench.consumer(Topics.COMMAND_RESULTS.name());
             KafkaProducer<String, byte[]> producer = bench.producer()) {
            String prefix = bench.kafka.uniqueName("cmd");
            byte[][] values = new byte[n][];
            for (int i = 0; i < n; i++) {
                values[i] = bench.create(prefix + "-" + i, new CronCadence("0 9 * * 1-5", "Europe/Berlin"));
            }
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), prefix + "-" + i, values[i]));
            }
            producer.flush();
            long produced = System.nanoTime();
            int accepted = 0;
            int seen = 0;
            while (seen < n) {
                for (ConsumerRecord<String, byte[]> r : results.poll(Duration.ofMillis(200))) {
                    if (r.key().startsWith(prefix)) {
                        CommandResult result = bench.serdes.valueSerde(Topics.COMMAND_RESULTS).deserializer().deserialize(r.topic(), r.value());
                        seen++;
                        accepted += result.getAccepted() ? 1 : 0;
                    }
                }
                if (System.nanoTime() - start > Duration.ofMinutes(10).toNanos()) {
                    throw new IllegalStateException("only " + seen + " results after 10 minutes");
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("planner applied %,d creates (%,d accepted) in %.2f s: %,.0f commands/s (producing took %.2f s)%n",
                    n, accepted, seconds, n / seconds, (produced - start) / 1e9);
        }
        System.exit(0);
    }
}
