package io.punctual.executor;

import io.punctual.executor.kafka.DeadLetters;
import io.punctual.executor.kafka.DeliveryService;
import io.punctual.executor.support.ExecutorContexts;
import io.punctual.executor.support.Fires;
import io.punctual.executor.support.Groups;
import io.punctual.executor.support.PlannerStandIn;
import io.punctual.executor.support.TopicTail;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.LettaStandIn;
import io.micronaut.context.ApplicationContext;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Kafka-target record its topic will not take fails that fire alone: the Letta fire committed in the same
 * transaction is delivered once and recorded once, and nothing of the batch is delivered again. The topic refuses
 * because the record is too large or because an ACL denies the write, each found either at the look-up before the
 * transaction or only by the broker inside it (the topic changed while the executor trusted what it had looked up).
 * The broker is one of its own, with Kafka's {@code StandardAuthorizer}: everything is allowed where no ACL names the
 * topic, and the tests deny writes to topics of their own.
 */
class KafkaTargetIsolationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String BIG_VALUE = "{\"text\":\"" + "x".repeat(2_000) + "\"}";

    private static KafkaFixture kafka;
    private static LettaStandIn letta;
    private static ApplicationContext executor;
    private static PlannerStandIn planner;
    private static TopicTail results;
    private static TopicTail deadLetters;
    private static Fires fires;

    @BeforeAll
    static void start() {
        kafka = KafkaFixture.isolated(Map.of(
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "allow.everyone.if.no.acl.found", "true"));
        letta = new LettaStandIn();
        // The Letta fire settles after the Kafka fire behind it on the same partition: both commit in one transaction.
        letta.delayResponses(Duration.ofMillis(500));
        KeyMaterial keys = KeyMaterial.generate();
        String groupId = kafka.uniqueName("executor-kafka-isolation");
        Groups.startAtEnd(kafka, groupId, Topics.DUE.name());
        executor = ExecutorContexts.start(kafka, keys, letta.baseUrl(), groupId, "isolation-" + UUID.randomUUID(),
                Map.of(ConfigKeys.KAFKA_TARGET_ALLOWED_TOPIC_PREFIXES, "user-topic-",
                        // A commit waiting for a deleted topic times out after this (60 s by default), then that fire fails alone.
                        "kafka." + ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000"));
        await("the executor ready").atMost(WAIT).until(executor.getBean(DeliveryService.class)::isReady);
        planner = new PlannerStandIn(kafka);
        results = new TopicTail(kafka, Topics.RESULTS.name());
        deadLetters = new TopicTail(kafka, Topics.DLQ.name());
        fires = new Fires(keys.apiKeyCipher());
    }

    @AfterAll
    static void stop() {
        executor.close();
        planner.close();
        results.close();
        deadLetters.close();
        letta.close();
        kafka.close();
    }

    @Test
    void aRecordLargerThanTheTopicTakesFailsBeforeTheTransaction() throws Exception {
        String topic = createTopic(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "500"));
        assertFailsAloneWithTheLettaFireOfItsBatch(topic, BIG_VALUE, "larger than topic " + topic, "max.message.bytes 500");
    }

    @Test
    void aRecordTheTopicRefusesAtCommitFailsAloneAndTheBatchIsNotDeliveredAgain() throws Exception {
        String topic = createTopicTheExecutorHasWrittenTo();
        kafka.admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "500"), AlterConfigOp.OpType.SET))))
                .all().get(10, TimeUnit.SECONDS);
        assertFailsAloneWithTheLettaFireOfItsBatch(topic, BIG_VALUE, "topic " + topic + " refused the record", "RecordTooLarge");
        assertOnlyTheFirstRecordReached(topic);
    }

    @Test
    void aTopicAnAclDeniesFailsBeforeTheTransaction() throws Exception {
        String topic = createTopic(Map.of());
        denyWrites(topic);
        assertFailsAloneWithTheLettaFireOfItsBatch(topic, "{\"n\":1}", "not authorized to write to topic " + topic, topic);
    }

    @Test
    void aWriteAnAclDeniesAtCommitFailsAloneAndTheBatchIsNotDeliveredAgain() throws Exception {
        String topic = createTopicTheExecutorHasWrittenTo();
        denyWrites(topic);
        assertFailsAloneWithTheLettaFireOfItsBatch(topic, "{\"n\":2}", "topic " + topic + " refused the record", "TopicAuthorization");
        assertOnlyTheFirstRecordReached(topic);
    }

    @Test
    void aTopicDeletedAfterTheLookUpFailsAloneAndTheBatchIsNotDeliveredAgain() throws Exception {
        String topic = createTopicTheExecutorHasWrittenTo();
        kafka.admin().deleteTopics(List.of(topic)).all().get(10, TimeUnit.SECONDS);
        assertFailsAloneWithTheLettaFireOfItsBatch(topic, "{\"n\":2}", "topic " + topic + " refused the record");
    }

    /**
     * A topic one fire has been delivered to. The executor trusts what it looked up about a topic for a minute, so
     * when the topic changes now, only the broker, inside the executor's transaction, refuses the next record.
     */
    private static String createTopicTheExecutorHasWrittenTo() throws Exception {
        String topic = createTopic(Map.of());
        DueEvent first = fires.kafkaFire(topic, null, "{\"n\":1}");
        planner.publishOnPartition(0, first);
        assertThat(awaitResult(first).getOutcome()).isEqualTo(Outcome.DELIVERED);
        return topic;
    }

    /** A Letta fire and, behind it on the same partition, a Kafka-target fire to {@code topic} that must fail alone. */
    private static void assertFailsAloneWithTheLettaFireOfItsBatch(String topic, String value, String... detail) {
        String agent = "agent-" + UUID.randomUUID();
        DueEvent lettaFire = fires.fire(agent, "sk-1", "hello");
        DueEvent refused = fires.kafkaFire(topic, null, value);
        planner.publishOnPartition(0, lettaFire, refused);

        ExecutionResult failed = awaitResult(refused);
        assertThat(failed.getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(failed.getDetail()).contains(detail);
        assertDeliveredOnce(lettaFire, agent);
        assertOneDeadLetter(refused);
    }

    private static void assertOnlyTheFirstRecordReached(String topic) {
        try (TopicTail user = new TopicTail(kafka, topic)) {
            assertThat(user.readToEnd()).as("only the first record reached the topic").hasSize(1);
        }
    }

    /** Everything on the topic stays allowed (describe, read) except writes: a DENY wins over the ALLOW. */
    private static void denyWrites(String topic) throws Exception {
        ResourcePattern pattern = new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL);
        kafka.admin().createAcls(List.of(
                new AclBinding(pattern, new AccessControlEntry("User:ANONYMOUS", "*", AclOperation.ALL, AclPermissionType.ALLOW)),
                new AclBinding(pattern, new AccessControlEntry("User:ANONYMOUS", "*", AclOperation.WRITE, AclPermissionType.DENY))))
                .all().get(10, TimeUnit.SECONDS);
        // ACLs reach the broker's authorizer through the metadata log, after createAcls returns: wait until a
        // describe (what the executor's look-up asks) reports writes as denied, or the fire may race the ACL.
        await().atMost(Duration.ofSeconds(10)).until(() -> !kafka.admin().describeTopics(List.of(topic),
                new DescribeTopicsOptions().includeAuthorizedOperations(true)).topicNameValues().get(topic).get()
                .authorizedOperations().contains(AclOperation.WRITE));
    }

    private static void assertDeliveredOnce(DueEvent lettaFire, String agent) {
        assertThat(awaitResult(lettaFire).getOutcome()).isEqualTo(Outcome.DELIVERED);
        // Long enough for a rewound batch to have been delivered again.
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(letta.messagesTo(agent)).as("the Letta fire of the same transaction, delivered once").hasSize(1);
        assertThat(resultsOf(lettaFire)).as("and recorded once").hasSize(1);
    }

    private static void assertOneDeadLetter(DueEvent fire) {
        List<ConsumerRecord<byte[], byte[]>> letters = deadLetters.awaitMatching("the dead letter of " + fire.getFireId(), 1,
                r -> fire.getFireId().equals(header(r, DeadLetters.HEADER_FIRE_ID)));
        assertThat(letters).hasSize(1);
        assertThat(resultsOf(fire)).hasSize(1);
    }

    private static String createTopic(Map<String, String> configs) throws Exception {
        String topic = kafka.uniqueName("user-topic");
        kafka.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs))).all().get(10, TimeUnit.SECONDS);
        return topic;
    }

    private static ExecutionResult awaitResult(DueEvent fire) {
        return planner.decode(results.awaitMatching("the result of " + fire.getFireId(), 1,
                r -> planner.decode(r).getFireId().equals(fire.getFireId()) && !planner.decode(r).getRunEnd()).get(0));
    }

    private static List<ExecutionResult> resultsOf(DueEvent fire) {
        // The delivery's own results, not the end of a Letta run it started.
        return results.readToEnd().stream().map(planner::decode).filter(r -> r.getFireId().equals(fire.getFireId()) && !r.getRunEnd()).toList();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
