package io.punctual.planner;

import io.micronaut.context.ApplicationContext;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.QuotaEvent;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.schemas.fire.FireIds;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import io.punctual.planner.state.BoundedRocksDbMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Properties;
import io.punctual.schemas.topic.TopicDurability;
import io.punctual.kernel.config.KafkaSettings;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Micronaut bean running the topology against a real broker, under exactly-once. */
class PlannerServiceTest {

    @TempDir
    Path stateDir;

    @Test
    void isNotStartedWhenDisabled() {
        try (ApplicationContext context = ApplicationContext.run(Map.of(ConfigKeys.PLANNER_ENABLED, "false"))) {
            assertThat(context.findBean(PlannerService.class)).isEmpty();
        }
    }

    @Test
    void internalTopicsAreReplicatedLikeTheCatalogs() {
        PlannerService service = new PlannerService(new KafkaSettings(Map.<String, Object>of("bootstrap.servers", "unused:9092")), null,
                PlannerSettings.defaults(), new TopicDurability((short) 3, 2, Duration.ofDays(7)));
        Properties props = service.streamsProperties();
        assertThat(props.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
        assertThat(props.get(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG))).isEqualTo("2");
        // The workaround for the broker's OutOfOrderSequenceException under transactions v2 (see streamsProperties).
        assertThat(props.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION))).isEqualTo(1);
    }

    @Test
    void anIdleStreamThreadPollsNoLongerThanThePunctuationInterval() {
        PlannerService byDefault = new PlannerService(new KafkaSettings(Map.<String, Object>of("bootstrap.servers", "unused:9092")), null,
                PlannerSettings.defaults(), new TopicDurability((short) 1, 1, Duration.ofDays(7)));
        assertThat(byDefault.streamsProperties().get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(PlannerSettings.defaults().punctuateInterval().toMillis());
        PlannerService configured = new PlannerService(new KafkaSettings(Map.<String, Object>of("bootstrap.servers", "unused:9092",
                StreamsConfig.POLL_MS_CONFIG, "50")), null, PlannerSettings.defaults(), new TopicDurability((short) 1, 1, Duration.ofDays(7)));
        assertThat(configured.streamsProperties().get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo("50");
    }

    @Test
    void aCrashedPlannersTasksMoveAfterTenSecondsUnlessConfiguredOtherwise() {
        String mainSessionTimeout = StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
        PlannerService byDefault = new PlannerService(new KafkaSettings(Map.<String, Object>of("bootstrap.servers", "unused:9092")), null,
                PlannerSettings.defaults(), new TopicDurability((short) 1, 1, Duration.ofDays(7)));
        assertThat(byDefault.streamsProperties()).containsEntry(mainSessionTimeout, 10_000);
        PlannerService configured = new PlannerService(new KafkaSettings(Map.<String, Object>of("bootstrap.servers", "unused:9092",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "30000")), null, PlannerSettings.defaults(), new TopicDurability((short) 1, 1, Duration.ofDays(7)));
        assertThat(configured.streamsProperties()).doesNotContainKey(mainSessionTimeout)
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "30000");
    }

    @Test
    void theProducerRetriesAfterTenMillisecondsUnlessConfiguredOtherwise() {
        String producerBackoff = StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG);
        PlannerService byDefault = new PlannerService(new KafkaSettings(Map.<String, Object>of("bootstrap.servers", "unused:9092")), null,
                PlannerSettings.defaults(), new TopicDurability((short) 1, 1, Duration.ofDays(7)));
        assertThat(byDefault.streamsProperties()).containsEntry(producerBackoff, KafkaSettings.TRANSACTIONAL_RETRY_BACKOFF_MS);
        PlannerService configured = new PlannerService(new KafkaSettings(Map.<String, Object>of("bootstrap.servers", "unused:9092",
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "250")), null, PlannerSettings.defaults(), new TopicDurability((short) 1, 1, Duration.ofDays(7)));
        assertThat(configured.streamsProperties()).doesNotContainKey(producerBackoff)
                .containsEntry(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "250");
    }

    @Test
    void appliesACommandAndDeliversItsFireThroughKafka() {
        KafkaFixture kafka = KafkaFixture.shared();
        String applicationId = kafka.uniqueName("planner-service-test");
        Map<String, Object> properties = plannerProperties(kafka, applicationId);
        properties.put(ConfigKeys.PLANNER_PUNCTUATE_INTERVAL, "50ms");
        properties.put(ConfigKeys.PLANNER_COMMIT_INTERVAL, "50ms");
        properties.put(ConfigKeys.PLANNER_MAX_FIRES_PER_PUNCTUATION, "500");
        properties.put(ConfigKeys.PLANNER_ROCKSDB_MEMORY, "96MB");
        properties.put(ConfigKeys.PLANNER_ROCKSDB_WRITE_BUFFER_MEMORY, "24MB");
        PlannerService planner;
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            planner = context.getBean(PlannerService.class);
            assertThat(planner.settings()).isEqualTo(PlannerSettings.defaults()
                    .withApplicationId(applicationId)
                    .withStateDir(stateDir)
                    .withStreamThreads(1)
                    .withPunctuateInterval(Duration.ofMillis(50))
                    .withCommitInterval(Duration.ofMillis(50))
                    .withMaxFiresPerPunctuation(500));
            // The stores run with the bounded RocksDB memory of the configured size.
            assertThat(planner.streamsProperties())
                    .containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class)
                    .containsEntry(BoundedRocksDbMemory.TOTAL_BYTES_CONFIG, 96L << 20)
                    .containsEntry(BoundedRocksDbMemory.WRITE_BUFFER_BYTES_CONFIG, 24L << 20);
            await().atMost(Duration.ofSeconds(30)).until(planner::isReady);

            TopicSerdes serdes = context.getBean(TopicSerdes.class);
            String scheduleId = kafka.uniqueName("s-service");
            Instant at = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
            ScheduleCommand create = TestCommands.createOnce(scheduleId, "agent-" + scheduleId, at);
            send(kafka, serdes, create);

            List<CommandResult> results = new ArrayList<>();
            List<ConsumerRecord<String, DueEvent>> fires = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
                consumer.subscribe(List.of(Topics.COMMAND_RESULTS.name(), Topics.DUE.name()));
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.topic().equals(Topics.COMMAND_RESULTS.name())) {
                            CommandResult result = serdes.valueSerde(Topics.COMMAND_RESULTS).deserializer().deserialize(record.topic(), record.value());
                            if (result.getScheduleId().equals(scheduleId)) {
                                results.add(result);
                            }
                        } else {
                            DueEvent event = serdes.valueSerde(Topics.DUE).deserializer().deserialize(record.topic(), record.value());
                            if (event.getScheduleId().equals(scheduleId)) {
                                fires.add(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.key(), event));
                            }
                        }
                    }
                    return !results.isEmpty() && !fires.isEmpty();
                });
            }

            assertThat(results).singleElement().satisfies(result -> {
                assertThat(result.getCommandId()).isEqualTo(create.getCommandId());
                assertThat(result.getAccepted()).isTrue();
                assertThat(result.getState().getStatus()).isEqualTo(ScheduleStatus.ACTIVE);
            });
            assertThat(fires).singleElement().satisfies(fire -> {
                assertThat(fire.key()).isEqualTo("agent-" + scheduleId);
                assertThat(fire.value().getFireId()).isEqualTo(FireIds.of(scheduleId, at));
                // Emitted at most the fire lead early, carrying its time for the executor to hold it until.
                assertThat(fire.value().getEmittedAt()).isAfterOrEqualTo(at.minus(PlannerSettings.defaults().fireLead()));
                assertThat(fire.value().getDeliverAt()).isEqualTo(fire.value().getEmittedAt().isBefore(at) ? at : null);
            });
        }
        assertThat(planner.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
    }

    /**
     * Under exactly-once nothing the planner writes is visible before it commits. With a commit interval of a minute,
     * a fire is readable on punctual.due within seconds of its due time: a scan that emitted due fires commits at once
     * (ScanCommits), not at the interval. (The create is committed with it: one transaction.)
     */
    @Test
    void aDueFireIsCommittedRightAfterItsScan() {
        KafkaFixture kafka = KafkaFixture.shared();
        // No quota: its admission is a hop through Kafka, committed by its own asks (see the test below).
        try (ApplicationContext context = readyWithACommitIntervalOfAMinute(kafka, "planner-scan-commit-test", 0)) {
            TopicSerdes serdes = context.getBean(TopicSerdes.class);
            String scheduleId = kafka.uniqueName("s-scan-commit");
            // Due in two seconds: a scan emits it (a create due in the past would be fired by the command itself).
            Instant at = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
            List<DueEvent> fires = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
                consumer.subscribe(List.of(Topics.DUE.name()));
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    consumer.poll(Duration.ofMillis(100));
                    return !consumer.assignment().isEmpty();
                });
                send(kafka, serdes, TestCommands.createOnce(scheduleId, "agent-" + scheduleId, at));
                long sent = System.nanoTime();
                // Well inside the minute the commit interval would take, with room for a slow machine.
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        DueEvent event = serdes.valueSerde(Topics.DUE).deserializer().deserialize(record.topic(), record.value());
                        if (event.getScheduleId().equals(scheduleId)) {
                            fires.add(event);
                        }
                    }
                    return !fires.isEmpty();
                });
                assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(20));
            }
            assertThat(fires).singleElement().satisfies(fire -> assertThat(fire.getFireId()).isEqualTo(FireIds.of(scheduleId, at)));
        }
    }

    /**
     * A create a writer waits for does not wait for the commit interval either (CommandCommits): with a commit interval
     * of a minute and the quota on, so that a create takes three transactions (the command, the tenant's admission, the
     * admitted command), two creates sent back to back are both answered on punctual.command-results within seconds.
     */
    @Test
    void freshCreatesAreCommittedWithoutWaitingForTheInterval() {
        KafkaFixture kafka = KafkaFixture.shared();
        try (ApplicationContext context = readyWithACommitIntervalOfAMinute(kafka, "planner-command-commit-test", 100)) {
            TopicSerdes serdes = context.getBean(TopicSerdes.class);
            List<String> scheduleIds = List.of(kafka.uniqueName("s-command-commit"), kafka.uniqueName("s-command-commit"));
            Instant at = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
            Map<String, CommandResult> results = new HashMap<>();
            try (KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
                consumer.subscribe(List.of(Topics.COMMAND_RESULTS.name()));
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    consumer.poll(Duration.ofMillis(100));
                    return !consumer.assignment().isEmpty();
                });
                long sent = System.nanoTime();
                for (String scheduleId : scheduleIds) {
                    send(kafka, serdes, TestCommands.createOnce(scheduleId, "agent-" + scheduleId, at));
                }
                // Three commit intervals would be three minutes; well inside one, with room for a slow machine.
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        CommandResult result = serdes.valueSerde(Topics.COMMAND_RESULTS).deserializer().deserialize(record.topic(), record.value());
                        if (scheduleIds.contains(result.getScheduleId())) {
                            results.put(result.getScheduleId(), result);
                        }
                    }
                    return results.size() == scheduleIds.size();
                });
                assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(20));
            }
            assertThat(results.values()).allSatisfy(result -> assertThat(result.getAccepted()).isTrue());
        }
    }

    /**
     * Kafka Streams marks a task as needing a commit after every wall-clock punctuation, so with the 25 ms scan a
     * planner that had read anything committed a transaction of offsets alone at every commit interval (100 ms: ten a
     * second per stream thread) for as long as it stayed idle. Its own asks commit its work; Kafka Streams' interval,
     * what an idle thread commits at, is a second ({@link PlannerService#IDLE_COMMIT_INTERVAL}).
     */
    @Test
    void anIdlePlannerCommitsAboutOnceASecond() {
        KafkaFixture kafka = KafkaFixture.shared();
        Map<String, Object> properties = plannerProperties(kafka, kafka.uniqueName("planner-idle-commit-test"));
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            PlannerService planner = context.getBean(PlannerService.class);
            await().atMost(Duration.ofSeconds(30)).until(planner::isReady);
            assertThat(planner.settings().commitInterval()).isEqualTo(Duration.ofMillis(100));
            assertThat(planner.settings().punctuateInterval()).isEqualTo(Duration.ofMillis(25));
            TopicSerdes serdes = context.getBean(TopicSerdes.class);
            String scheduleId = kafka.uniqueName("s-idle-commit");
            try (KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
                consumer.subscribe(List.of(Topics.COMMAND_RESULTS.name()));
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    consumer.poll(Duration.ofMillis(100));
                    return !consumer.assignment().isEmpty();
                });
                send(kafka, serdes, TestCommands.createOnce(scheduleId, "agent-" + scheduleId, Instant.now().plus(1, ChronoUnit.HOURS)));
                // Read and answered: the thread has offsets to commit from now on.
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        if (scheduleId.equals(record.key())) {
                            return true;
                        }
                    }
                    return false;
                });
            }
            // Once the commands of earlier tests on the shared topic are behind it: two seconds, at most four commits
            // (two, give or take the window's edges); it was twenty.
            List<Long> windows = new ArrayList<>();
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(10)).until(() -> {
                long before = planner.commits();
                Thread.sleep(2_000);
                windows.add(planner.commits() - before);
                return windows.get(windows.size() - 1) <= 4;
            });
            assertThat(windows.get(windows.size() - 1)).as("commits in two idle seconds, windows %s", windows).isBetween(1L, 4L);
        }
    }

    /**
     * A backlog of one tenant's creates that starts cold takes the quota's two hops a handful of times, not once per
     * create: while the task's first ask for credit is out, the tenant's next creates are held (HeldCreates), and the
     * answer, stamped with the asking command's time, is read before the rest of the backlog. Before, every create
     * read while that ask was out went to punctual.quota on its own (nearly all of 3,000).
     */
    @Test
    void aColdBacklogOfOneTenantsCreatesAsksTheQuotaAHandfulOfTimes() {
        KafkaFixture kafka = KafkaFixture.shared();
        Map<String, Object> properties = plannerProperties(kafka, kafka.uniqueName("planner-held-creates-test"));
        properties.put(ConfigKeys.PLANNER_MAX_SCHEDULES_PER_TENANT, "1000000");
        // Long enough that a slow machine's late answer does not let the held creates go to the quota one by one.
        properties.put("punctual.planner.quota-credit-idle", "60s");
        int n = 3_000;
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            PlannerService planner = context.getBean(PlannerService.class);
            await().atMost(Duration.ofSeconds(30)).until(planner::isReady);
            TopicSerdes serdes = context.getBean(TopicSerdes.class);
            String tenant = kafka.uniqueName("tenant-backlog");
            Instant at = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
            List<String> ids = new ArrayList<>();
            Map<String, Object> producerProps = kafka.producerProps();
            producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps)) {
                for (int i = 0; i < n; i++) {
                    ScheduleCommand create = TestCommands.create(tenant + "-" + i, TestCommands.spec(tenant, "agent-" + i, new OnceCadence(at)));
                    ids.add(create.getScheduleId());
                    producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), create.getScheduleId(),
                            serdes.valueSerde(Topics.COMMANDS).serializer().serialize(Topics.COMMANDS.name(), create)));
                }
            }

            Map<String, CommandResult> results = new HashMap<>();
            int answers = 0;
            List<QuotaEvent> requests = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
                consumer.subscribe(List.of(Topics.COMMAND_RESULTS.name(), Topics.QUOTA.name()));
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (results.size() < n && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.topic().equals(Topics.QUOTA.name())) {
                            QuotaEvent event = serdes.valueSerde(Topics.QUOTA).deserializer().deserialize(record.topic(), record.value());
                            if (tenant.equals(event.getTenant()) && event.getCommand() != null) {
                                requests.add(event);
                            }
                            continue;
                        }
                        CommandResult result = serdes.valueSerde(Topics.COMMAND_RESULTS).deserializer().deserialize(record.topic(), record.value());
                        if (result.getScheduleId().startsWith(tenant + "-")) {
                            answers++;
                            results.put(result.getScheduleId(), result);
                        }
                    }
                }
            }
            assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(answers).as("one result per create").isEqualTo(n);
            assertThat(results.values()).allSatisfy(result -> assertThat(result.getAccepted()).isTrue());
            // The first create (a lone one reserves nothing), the first ask, then asks that double: about ten.
            assertThat(requests).as("requests to the quota for %d creates", n).hasSizeLessThan(30);
        }
    }

    /** A running planner of its own whose commit interval (a minute) is far longer than any test waits. */
    private ApplicationContext readyWithACommitIntervalOfAMinute(KafkaFixture kafka, String applicationId, int maxSchedulesPerTenant) {
        Map<String, Object> properties = plannerProperties(kafka, kafka.uniqueName(applicationId));
        properties.put(ConfigKeys.PLANNER_COMMIT_INTERVAL, "60s");
        // Kafka Streams refuses a commit interval above the transaction timeout (10 s by default).
        properties.put("kafka.producer.transaction.timeout.ms", "120000");
        properties.put(ConfigKeys.PLANNER_MAX_SCHEDULES_PER_TENANT, Integer.toString(maxSchedulesPerTenant));
        ApplicationContext context = ApplicationContext.run(properties);
        try {
            PlannerService planner = context.getBean(PlannerService.class);
            await().atMost(Duration.ofSeconds(30)).until(planner::isReady);
            return context;
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /** A planner alone on the shared broker, with its own application id and state directory, one stream thread. */
    private Map<String, Object> plannerProperties(KafkaFixture kafka, String applicationId) {
        return new HashMap<>(Map.of(
                ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                ConfigKeys.SCHEMA_REGISTRY_URL, kafka.schemaRegistryUrl(),
                ConfigKeys.TOPIC_PARTITIONS, "2",
                ConfigKeys.PLANNER_APPLICATION_ID, applicationId,
                ConfigKeys.PLANNER_STATE_DIR, stateDir.toString(),
                ConfigKeys.PLANNER_STREAM_THREADS, "1"));
    }

    static void send(KafkaFixture kafka, TopicSerdes serdes, ScheduleCommand command) {
        Map<String, Object> props = kafka.producerProps();
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            byte[] value = serdes.valueSerde(Topics.COMMANDS).serializer().serialize(Topics.COMMANDS.name(), command);
            producer.send(new ProducerRecord<>(Topics.COMMANDS.name(), command.getScheduleId(), value));
            producer.flush();
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(KafkaFixture kafka) {
        Map<String, Object> props = kafka.consumerProps(kafka.uniqueName("planner-service-test-reader"));
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(props);
    }
}
