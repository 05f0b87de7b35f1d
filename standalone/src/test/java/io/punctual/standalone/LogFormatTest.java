package io.punctual.standalone;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar's logback.xml: PUNCTUAL_LOG_FORMAT=json selects an appender writing one JSON object per line with the
 * logging context (fire and schedule ids of a delivery); text stays the default.
 */
class LogFormatTest {

    @Test
    void jsonLinesCarryTheFireAndScheduleIds() throws Exception {
        String line = encodeOneEvent("json");
        assertThat(line).endsWith("\n").doesNotContain("\n{");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("formattedMessage").asText()).isEqualTo("delivering 3 fires");
        assertThat(json.path("level").asText()).isEqualTo("INFO");
        assertThat(json.at("/mdc/fire_id").asText()).isEqualTo("f-1");
        assertThat(json.at("/mdc/schedule_id").asText()).isEqualTo("s-1");
    }

    @Test
    void textIsTheDefault() throws Exception {
        assertThat(encodeOneEvent(null)).contains(" fire=f-1 - delivering 3 fires").doesNotStartWith("{");
    }

    @Test
    void anUnknownFormatIsText() throws Exception {
        assertThat(encodeOneEvent("yaml", "text")).contains(" fire=f-1 - delivering 3 fires").doesNotStartWith("{");
    }

    /** Configures a fresh logback context from the jar's logback.xml and encodes one event with its root appender. */
    private static String encodeOneEvent(String format) throws Exception {
        return encodeOneEvent(format, format == null ? "text" : format);
    }

    /**
     * Also checks that the configuration leaves no warning in logback's status: one (an appender defined but not
     * referenced) made logback print its whole status, a dozen lines, at every start of the jar.
     */
    @SuppressWarnings("unchecked")
    private static String encodeOneEvent(String format, String appenderName) throws Exception {
        LoggerContext context = new LoggerContext();
        if (format == null) {
            System.clearProperty("PUNCTUAL_LOG_FORMAT");
        } else {
            System.setProperty("PUNCTUAL_LOG_FORMAT", format);
        }
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
            assertThat(new StatusUtil(context).getHighestLevel(0)).as("logback's status: %s",
                    context.getStatusManager().getCopyOfStatusList()).isLessThan(Status.WARN);
            Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            assertThat(root.getLevel()).isEqualTo(Level.WARN);
            OutputStreamAppender<ILoggingEvent> appender = (OutputStreamAppender<ILoggingEvent>) root.getAppender(appenderName);
            assertThat(appender).as("root appender for format %s", format).isNotNull();
            Logger logger = context.getLogger("io.punctual.executor.Test");
            LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, "delivering {} fires", null, new Object[]{3});
            event.setMDCPropertyMap(Map.of("fire_id", "f-1", "schedule_id", "s-1"));
            return new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8);
        } finally {
            context.stop();
            System.clearProperty("PUNCTUAL_LOG_FORMAT");
        }
    }
}
