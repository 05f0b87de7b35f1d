package io.punctual.embedded.kafka;

import com.yammer.metrics.core.Histogram;
import com.yammer.metrics.core.Metric;
import com.yammer.metrics.core.MetricName;
import com.yammer.metrics.stats.UniformSample;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.server.metrics.KafkaYammerMetrics;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class UniformRequestHistogramsTest {

    @Test
    void theBrokerTimesItsRequestsIntoUniformHistogramsOnly() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            String topic = "timed-" + UUID.randomUUID();
            EmbeddedKafkaTest.createTopic(kafka.bootstrapServers(), topic, 1);
            try (KafkaProducer<String, String> producer = EmbeddedKafkaTest.producer(kafka.bootstrapServers(), Map.of())) {
                producer.send(new ProducerRecord<>(topic, "k", "v")).get();
            }

            Map<MetricName, Metric> metrics = KafkaYammerMetrics.defaultRegistry().allMetrics();
            Map<MetricName, Histogram> requestHistograms = new HashMap<>();
            metrics.forEach((name, metric) -> {
                if (name.getGroup().equals("kafka.network") && name.getType().equals("RequestMetrics") && metric instanceof Histogram h) {
                    requestHistograms.put(name, h);
                }
            });
            // The broker registered no request histogram of its own (registering again finds every one it has)...
            assertThat(requestHistograms.keySet()).isEqualTo(UniformRequestHistograms.register().keySet());
            // ...so each keeps a uniform reservoir, none the decaying one.
            requestHistograms.forEach((name, histogram) -> assertThat(sampleOf(histogram)).as(name.getMBeanName()).isInstanceOf(UniformSample.class));
            // ...and the broker records into them: the produce above was timed.
            Histogram produceTotal = requestHistograms.entrySet().stream()
                    .filter(e -> e.getKey().getMBeanName().equals("kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce"))
                    .map(Map.Entry::getValue).findFirst().orElseThrow();
            assertThat(produceTotal.count()).isPositive();
        }
    }

    private static Object sampleOf(Histogram histogram) {
        try {
            Field sample = Histogram.class.getDeclaredField("sample");
            sample.setAccessible(true);
            return sample.get(histogram);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
