package io.punctual.kernel.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopicsDurabilityTest {
    @Test
    void minInsyncReplicasIsAtMostTheReplicationFactor() {
        SharedConfig.Topics topics = new SharedConfig.Topics();
        assertThat(topics.durability().minInsyncReplicas()).as("the defaults, 3 and 2").isEqualTo(2);
        // The standalone sets a replication factor of 1 alone: 1 and 2 would be a durability no cluster can give, and
        // the provisioner warned at every start that it used 1 and 1 instead.
        topics.setReplicationFactor((short) 1);
        assertThat(topics.durability().replicationFactor()).isEqualTo((short) 1);
        assertThat(topics.durability().minInsyncReplicas()).isEqualTo(1);
        topics.setReplicationFactor((short) 5);
        topics.setMinInsyncReplicas(3);
        assertThat(topics.durability().minInsyncReplicas()).isEqualTo(3);
    }
}
