package io.punctual.embedded.kafka;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.util.List;

/**
 * Turns the broker's loggers down to WARN when the application has not chosen a level for them.
 *
 * <p>The broker logs hundreds of INFO lines per start. A level set explicitly in the application's logging
 * configuration always wins: we only touch loggers whose level is unset. Logback is driven reflectively so
 * this module does not force a logging backend on its users; with any other backend nothing happens.
 */
final class BrokerLogLevels {

    /** Loggers of the broker (Scala side), its state-change log, and the Java server and client packages. */
    static final List<String> BROKER_LOGGERS = List.of("kafka", "state.change.logger", "org.apache.kafka");

    private static final String LOGBACK_LOGGER = "ch.qos.logback.classic.Logger";
    private static final String LOGBACK_LEVEL = "ch.qos.logback.classic.Level";

    private BrokerLogLevels() {
    }

    static void quietUnlessConfigured() {
        for (String name : BROKER_LOGGERS) {
            Logger logger = LoggerFactory.getLogger(name);
            if (!logger.getClass().getName().equals(LOGBACK_LOGGER)) {
                return;
            }
            try {
                Object level = logger.getClass().getMethod("getLevel").invoke(logger);
                if (level == null) {
                    Class<?> levelClass = Class.forName(LOGBACK_LEVEL, true, logger.getClass().getClassLoader());
                    Method setLevel = logger.getClass().getMethod("setLevel", levelClass);
                    setLevel.invoke(logger, levelClass.getField("WARN").get(null));
                }
            } catch (ReflectiveOperationException | LinkageError e) {
                LoggerFactory.getLogger(BrokerLogLevels.class).debug("Could not adjust level of logger {}", name, e);
            }
        }
    }
}
