package io.punctual.embedded.kafka;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerLogLevelsTest {

    @Test
    void unconfiguredBrokerLoggersGoToWarnAndConfiguredOnesAreLeftAlone() {
        Logger kafka = (Logger) LoggerFactory.getLogger("kafka");
        Logger stateChange = (Logger) LoggerFactory.getLogger("state.change.logger");
        Level kafkaBefore = kafka.getLevel();
        Level stateChangeBefore = stateChange.getLevel();
        try {
            kafka.setLevel(null);
            stateChange.setLevel(Level.DEBUG);

            BrokerLogLevels.quietUnlessConfigured();

            assertThat(kafka.getLevel()).isEqualTo(Level.WARN);
            assertThat(stateChange.getLevel()).isEqualTo(Level.DEBUG);
        } finally {
            kafka.setLevel(kafkaBefore);
            stateChange.setLevel(stateChangeBefore);
        }
    }
}
