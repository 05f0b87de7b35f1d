package io.punctual.executor.letta;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.punctual.schemas.DeliveryMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LettaRequestTest {

    private static LettaRequest request(String baseUrl, String agentId, DeliveryMode mode) {
        return new LettaRequest(baseUrl, agentId, mode, "sk-secret-key", JsonNodeFactory.instance.objectNode(), "sched@1");
    }

    @Test
    void asyncAndSyncCallsGoToTheirPaths() {
        assertThat(request("https://api.letta.com", "agent-1", DeliveryMode.ASYNC).uri())
                .isEqualTo("https://api.letta.com/v1/agents/agent-1/messages/async");
        assertThat(request("http://localhost:8283/", "agent-1", DeliveryMode.SYNC).uri())
                .isEqualTo("http://localhost:8283/v1/agents/agent-1/messages");
    }

    @Test
    void anAgentIdCannotLeaveItsPathSegment() {
        assertThat(request("http://letta", "../../admin?x=1 y", DeliveryMode.ASYNC).path())
                .isEqualTo("/v1/agents/..%2F..%2Fadmin%3Fx%3D1%20y/messages/async");
    }

    @Test
    void theKeyIsNeverPrinted() {
        assertThat(request("http://letta", "agent-1", DeliveryMode.ASYNC).toString()).doesNotContain("sk-secret-key");
    }
}
