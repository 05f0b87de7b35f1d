package io.punctual.bench.planner;

import io.punctual.planner.PlannerSettings;
import io.punctual.planner.PlannerTopology;
import io.punctual.planner.state.ScheduleReload;
import io.punctual.schemas.serde.TopicSerdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;

/**
 * The planner's topology in a TopologyTestDriver over RocksDB stores in a new temporary directory (no broker): its
 * task reloads its schedules from punctual.schedules, as {@code schedulesLog} opens it, before it first applies or scans.
 */
final class PlannerDriver {
    private PlannerDriver() {
    }

    static TopologyTestDriver open(TopicSerdes serdes, String name, Instant start, ScheduleReload.Opener schedulesLog) throws IOException {
        Path state = Files.createTempDirectory("punctual-bench-" + name);
        PlannerSettings settings = PlannerSettings.defaults().withStateDir(state).withApplicationId("bench-" + name);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        return new TopologyTestDriver(PlannerTopology.build(serdes, settings, schedulesLog), props, start);
    }
}
