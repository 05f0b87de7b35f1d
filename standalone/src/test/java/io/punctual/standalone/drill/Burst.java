package io.punctual.standalone.drill;

import io.punctual.schemas.CreateSchedule;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.fire.FireIds;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/**
 * A burst of one-time schedules created straight on {@code punctual.commands} with a plain producer, as the
 * README's "Straight to Kafka" example does: each with its own Letta key ciphertext and the key's tenant. Their
 * fire ids are known in advance (schedule id + instant), which is what the drills count results against.
 */
final class Burst {
    static final String API_KEY = "sk-let-drill";
    /**
     * {@code punctual.planner.once-grace} for the drills. The planner judges a one-time create against its own clock
     * when it applies it: a create that waited on {@code punctual.commands} through an outage (or a planner lagging on
     * some partitions under load) for longer than the default grace (60 s) is refused as {@code in_the_past}. That is
     * the README's rule, not a loss the drills are about, so they allow 30 min.
     */
    static final String ONCE_GRACE = "30m";

    private final Set<String> fireIds = new LinkedHashSet<>();
    private final Set<String> scheduleIds = new LinkedHashSet<>();
    private final List<ProducerRecord<String, byte[]>> records = new ArrayList<>();

    private Burst() {
    }

    /**
     * Creates {@code count} schedules due evenly over {@code spread} from {@code first}, for {@code agents} agents
     * in turn; {@code customize} may change each spec (retry policy, ...).
     */
    static Burst create(String bootstrapServers, String registryUrl, KeyMaterial keys, int count, int agents,
                        Instant first, Duration spread, UnaryOperator<ScheduleSpec.Builder> customize) {
        Burst burst = prepare(registryUrl, keys, count, agents, first, spread, customize);
        burst.send(bootstrapServers);
        return burst;
    }

    /** The commands of {@link #create}, serialized now (the registry must answer now), sent by {@link #send}. */
    static Burst prepare(String registryUrl, KeyMaterial keys, int count, int agents, Instant first, Duration spread,
                         UnaryOperator<ScheduleSpec.Builder> customize) {
        Serializer<ScheduleCommand> values = new TopicSerdes(registryUrl).valueSerde(Topics.COMMANDS).serializer();
        return prepare(keys, count, agents, first, spread, customize, command -> values.serialize(Topics.COMMANDS.name(), command));
    }

    /** As {@link #prepare(String, KeyMaterial, int, int, Instant, Duration, UnaryOperator)}, values written by {@code encode}. */
    static Burst prepare(KeyMaterial keys, int count, int agents, Instant first, Duration spread,
                         UnaryOperator<ScheduleSpec.Builder> customize, Function<ScheduleCommand, byte[]> encode) {
        Burst burst = new Burst();
        String tenant = keys.tenantIds().of(API_KEY);
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < count; i++) {
            String scheduleId = "sch_drill_" + run + "_" + i;
            Instant at = first.plusMillis(spread.toMillis() * i / count).truncatedTo(ChronoUnit.MILLIS);
            LettaTarget target = LettaTarget.newBuilder()
                    .setAgentId("agent-drill-" + (i % agents))
                    .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("drill fire " + i).build()))
                    .setApiKeyCiphertext(keys.apiKeyCipher().encrypt(API_KEY, scheduleId))
                    .build();
            ScheduleSpec spec = customize.apply(ScheduleSpec.newBuilder().setTenant(tenant).setTarget(target)
                    .setCadence(new OnceCadence(at))).build();
            ScheduleCommand command = ScheduleCommand.newBuilder()
                    .setCommandId(UUID.randomUUID().toString()).setScheduleId(scheduleId).setTenant(tenant)
                    .setIssuedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                    .setAction(CreateSchedule.newBuilder().setSpec(spec).build())
                    .build();
            burst.records.add(new ProducerRecord<>(Topics.COMMANDS.name(), scheduleId, encode.apply(command)));
            burst.scheduleIds.add(scheduleId);
            burst.fireIds.add(FireIds.of(scheduleId, at));
        }
        return burst;
    }

    /** Produces the commands to {@code punctual.commands} with a plain producer (acks=all) and waits for the acks. */
    void send(String bootstrapServers) {
        awaitCommandsTopic(bootstrapServers);
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    /** The services create the topics at start; a producer must not auto-create this one with other settings. */
    private static void awaitCommandsTopic(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            await("the topic " + Topics.COMMANDS.name()).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> admin.listTopics().names().get().contains(Topics.COMMANDS.name()));
        }
    }

    Set<String> fireIds() {
        return fireIds;
    }

    Set<String> scheduleIds() {
        return scheduleIds;
    }

    int size() {
        return fireIds.size();
    }
}
