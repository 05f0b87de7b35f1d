package io.punctual.embedded.kafka;

import com.yammer.metrics.core.Histogram;
import com.yammer.metrics.core.MetricName;
import com.yammer.metrics.core.MetricsRegistry;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.network.metrics.RequestMetrics;
import org.apache.kafka.server.metrics.KafkaMetricsGroup;
import org.apache.kafka.server.metrics.KafkaYammerMetrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The embedded broker's request histograms, registered with uniform reservoirs before the broker registers its own.
 *
 * <p>Kafka times every request into about ten Yammer histograms per request name (queue, local, remote, throttle,
 * response queue, response send and total time, request bytes; for Fetch and Produce also conversions and temporary
 * memory), each with an exponentially decaying reservoir. One update of such a reservoir is a put and a remove on a
 * 1,028-entry {@code ConcurrentSkipListMap}: in the profiled 100,000-fire burst that was a third of the broker's
 * samples (54 of 166, 3.3 % of the whole standalone), and a fifth of them in a creates run. Yammer's registry hands
 * out the histogram already registered under a name, so registering these names first, uniform (an array slot at a
 * random index per update), makes the broker record into them. What changes: their percentiles cover the broker's
 * life instead of its last minutes. Nothing in Punctual reads them (its meters are Micrometer's), and a Kafka
 * cluster of an operator's is not touched.
 */
final class UniformRequestHistograms {
    /** The histograms {@link RequestMetrics} registers for every request name. */
    static final List<String> PER_REQUEST = List.of("RequestQueueTimeMs", "LocalTimeMs", "RemoteTimeMs", "ThrottleTimeMs",
            "ResponseQueueTimeMs", "ResponseSendTimeMs", "TotalTimeMs", "RequestBytes");
    /** The two it adds for Fetch and Produce. */
    static final List<String> FETCH_AND_PRODUCE = List.of(RequestMetrics.MESSAGE_CONVERSIONS_TIME_MS, RequestMetrics.TEMPORARY_MEMORY_BYTES);
    private static final KafkaMetricsGroup GROUP = new KafkaMetricsGroup("kafka.network", "RequestMetrics");

    private UniformRequestHistograms() {
    }

    /**
     * Registers (or finds, when a broker in this JVM registered them already) every request histogram of a combined
     * broker and controller. Call before the node is built: a stopped broker removes its histograms, so each start
     * registers them again.
     *
     * @return the histograms by name, as the registry holds them
     */
    static Map<MetricName, Histogram> register() {
        MetricsRegistry registry = KafkaYammerMetrics.defaultRegistry();
        Map<MetricName, Histogram> registered = new LinkedHashMap<>();
        for (String request : requestNames()) {
            for (String histogram : PER_REQUEST) {
                add(registry, registered, histogram, request);
            }
            if (request.equals(ApiKeys.FETCH.name) || request.equals(ApiKeys.PRODUCE.name)) {
                for (String histogram : FETCH_AND_PRODUCE) {
                    add(registry, registered, histogram, request);
                }
            }
        }
        return registered;
    }

    private static void add(MetricsRegistry registry, Map<MetricName, Histogram> registered, String histogram, String request) {
        MetricName name = GROUP.metricName(histogram, Map.of("request", request));
        registered.put(name, registry.newHistogram(name, false));
    }

    /** The request names Kafka's {@code RequestChannelMetrics} times: each API of either role, and four of its own. */
    static TreeSet<String> requestNames() {
        TreeSet<String> names = new TreeSet<>();
        for (ApiMessageType.ListenerType role : List.of(ApiMessageType.ListenerType.BROKER, ApiMessageType.ListenerType.CONTROLLER)) {
            ApiKeys.apisForListener(role).forEach(api -> names.add(api.name));
        }
        names.add(RequestMetrics.CONSUMER_FETCH_METRIC_NAME);
        names.add(RequestMetrics.FOLLOW_FETCH_METRIC_NAME);
        names.add(RequestMetrics.VERIFY_PARTITIONS_IN_TXN_METRIC_NAME);
        names.add(RequestMetrics.LIST_CLIENT_METRICS_RESOURCES_METRIC_NAME);
        return names;
    }
}
