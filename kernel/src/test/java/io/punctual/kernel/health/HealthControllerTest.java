package io.punctual.kernel.health;

import io.micronaut.http.HttpResponse;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A part that cannot reach Kafka makes the process unready, not dead; only a part that gave up fails liveness. */
class HealthControllerTest {

    @Test
    void aKafkaOutageIsUnreadyButAlive() {
        HealthController health = new HealthController(List.of(check("planner", true, true), check("kafka", false, true)));
        HttpResponse<String> readiness = health.readiness();
        assertThat(readiness.code()).isEqualTo(503);
        assertThat(readiness.body()).contains("\"kafka\":\"DOWN\"").contains("\"planner\":\"UP\"");
        assertThat(health.health().code()).isEqualTo(503);
        assertThat(health.liveness().code()).isEqualTo(200);
    }

    @Test
    void aPartThatGaveUpFailsLiveness() {
        HealthController health = new HealthController(List.of(check("planner", false, false)));
        assertThat(health.liveness().code()).isEqualTo(503);
        assertThat(health.liveness().body()).contains("\"planner\":\"DOWN\"");
    }

    @Test
    void allUpIsReady() {
        assertThat(new HealthController(List.of(check("executor", true, true))).readiness().code()).isEqualTo(200);
    }

    private static ReadinessCheck check(String name, boolean ready, boolean alive) {
        return new ReadinessCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean isReady() {
                return ready;
            }

            @Override
            public boolean isAlive() {
                return alive;
            }
        };
    }
}
