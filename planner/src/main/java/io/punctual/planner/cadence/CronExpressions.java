package io.punctual.planner.cadence;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses 5-field Unix cron expressions and keeps the most recently used ones, since every fire of a cron schedule
 * needs its execution time again and parsing costs far more than the lookup. Not thread-safe: one per processor.
 */
final class CronExpressions {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final Map<String, ExecutionTime> cache;

    CronExpressions(int capacity) {
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ExecutionTime> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The execution times of {@code expression}; throws IllegalArgumentException with the parser's message if invalid. */
    ExecutionTime executionTime(String expression) {
        ExecutionTime cached = cache.get(expression);
        if (cached != null) {
            return cached;
        }
        Cron cron = PARSER.parse(expression).validate();
        ExecutionTime executionTime = ExecutionTime.forCron(cron);
        cache.put(expression, executionTime);
        return executionTime;
    }
}
