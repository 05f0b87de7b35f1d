package io.punctual.schemas.topic;

import io.punctual.testkit.KafkaFixture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Created topics survive a broker's loss where there are brokers to lose, and a lagging planner reads every command. */
class TopicProvisionerTest {

    @Test
    void defaultsSuitAMultiBrokerClusterAndShrinkToASingleBroker() {
        TopicDurability wanted = new TopicDurability(TopicDurability.DEFAULT_REPLICATION_FACTOR,
                TopicDurability.DEFAULT_MIN_INSYNC_REPLICAS, TopicDurability.DEFAULT_COMMANDS_MIN_COMPACTION_LAG);
        assertThat(wanted.fittedTo(5)).isEqualTo(wanted);
        assertThat(wanted.fittedTo(3).replicationFactor()).isEqualTo((short) 3);
        assertThat(wanted.fittedTo(3).minInsyncReplicas()).isEqualTo(2);
        assertThat(wanted.fittedTo(1).replicationFactor()).isEqualTo((short) 1);
        assertThat(wanted.fittedTo(1).minInsyncReplicas()).isEqualTo(1);
    }

    @Test
    void commandsKeepSupersededRecordsForTheCompactionLagAndEveryTopicGetsMinInsyncReplicas() {
        KafkaFixture kafka = KafkaFixture.shared();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicProvisioner provisioner = new TopicProvisioner(admin, 2,
                    new TopicDurability((short) 3, 2, Duration.ofDays(3)));
            // The embedded cluster has one broker: the configured 3/2 become 1/1 rather than failing the creation.
            assertThat(provisioner.durability()).isEqualTo(new TopicDurability((short) 1, 1, Duration.ofDays(3)));

            NewTopic commands = provisioner.newTopic(Topics.COMMANDS);
            assertThat(commands.replicationFactor()).isEqualTo((short) 1);
            assertThat(commands.configs())
                    .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
                    .containsEntry(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Long.toString(Duration.ofDays(3).toMillis()))
                    .containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1");
            assertThat(provisioner.newTopic(Topics.SCHEDULES).configs())
                    .doesNotContainKey(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG)
                    .containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1");
        }
    }
}
