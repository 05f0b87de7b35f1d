package io.punctual.bench.planner;

import io.punctual.planner.PlannerService;
import io.punctual.planner.PlannerSettings;
import io.punctual.planner.lifecycle.LifecycleSettings;
import io.punctual.schemas.CreateSchedule;
import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.config.KafkaSettings;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.TopicProvisioner;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A planner on a real broker (the test fixture's: embedded, or KAFKA_BOOTSTRAP_SERVERS), with clients to drive it. */
final class BrokerPlanner implements AutoCloseable {
    final KafkaFixture kafka = KafkaFixture.shared();
    final TopicSerdes serdes = new TopicSerdes(kafka.schemaRegistryUrl());
    final PlannerService planner;

    BrokerPlanner(int maxFiresPerPunctuation) throws Exception {
        new TopicProvisioner(kafka.admin(), 6, (short) 1).ensureAll();
        Path state = Files.createTempDirectory("punctual-bench-planner");
        PlannerSettings settings = PlannerSettings.defaults()
                .withApplicationId(kafka.uniqueName("bench-planner"))
                .withStateDir(state)
                .withMaxFiresPerPunctuation(maxFiresPerPunctuation);
        // Creates go through the quota's admission, as in a deployment, but the bench's one tenant is never refused;
        // -Dpunctual.planner.max-schedules-per-tenant=0 measures without admission.
        LifecycleSettings lifecycle = LifecycleSettings.defaults()
                .withMaxSchedulesPerTenant(Integer.getInteger(ConfigKeys.PLANNER_MAX_SCHEDULES_PER_TENANT, Integer.MAX_VALUE));
        planner = new PlannerService(new KafkaSettings(Map.of("bootstrap.servers", kafka.bootstrapServers())), serdes, settings, lifecycle);
        planner.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!planner.isReady()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("planner not running after 60 s");
            }
            Thread.sleep(50);
        }
    }

    KafkaProducer<String, byte[]> producer() {
        Map<String, Object> props = kafka.producerProps();
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new KafkaProducer<>(props);
    }

    KafkaConsumer<String, byte[]> consumer(String topic) {
        Map<String, Object> props = kafka.consumerProps(kafka.uniqueName("bench-reader"));
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(topic));
        // Join the group and take the end offsets before anything is produced, so nothing is missed.
        while (consumer.assignment().isEmpty()) {
            consumer.poll(Duration.ofMillis(100));
        }
        consumer.seekToEnd(consumer.assignment());
        consumer.assignment().forEach(consumer::position);
        return consumer;
    }

    byte[] create(String scheduleId, Object cadence) {
        LettaTarget target = LettaTarget.newBuilder()
                .setAgentId("agent-" + Math.floorMod(scheduleId.hashCode(), 1000))
                .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("wake up").build()))
                .setMode(DeliveryMode.ASYNC)
                .setApiKeyCiphertext(ByteBuffer.wrap("not-a-real-ciphertext".getBytes(StandardCharsets.UTF_8)))
                .build();
        ScheduleSpec spec = ScheduleSpec.newBuilder().setTenant("bench").setTarget(target).setCadence(cadence).build();
        ScheduleCommand command = ScheduleCommand.newBuilder()
                .setCommandId("c-" + scheduleId)
                .setScheduleId(scheduleId)
                .setTenant("bench")
                .setIssuedAt(Instant.now())
                .setAction(CreateSchedule.newBuilder().setSpec(spec).build())
                .build();
        return serdes.valueSerde(Topics.COMMANDS).serializer().serialize(Topics.COMMANDS.name(), command);
    }

    @Override
    public void close() {
        planner.stop();
    }
}
