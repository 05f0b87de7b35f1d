package io.punctual.cadence;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the cron dialect of the schedule model (5-field Unix cron, the same with a leading seconds field, and the
 * macros {@code @yearly @annually @monthly @weekly @daily @midnight @hourly}) and keeps the most recently used,
 * since every fire needs its execution time again and parsing costs far more than the lookup.
 * Not thread-safe: one per processor.
 */
final class CronExpressions {
    private static final CronParser FIVE_FIELDS = new CronParser(unix(false));
    private static final CronParser SIX_FIELDS = new CronParser(unix(true));
    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

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
        ExecutionTime executionTime = ExecutionTime.forCron(parse(expression));
        cache.put(expression, executionTime);
        return executionTime;
    }

    static Cron parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("the expression is empty");
        }
        String trimmed = expression.trim();
        if (trimmed.startsWith("@")) {
            String expanded = MACROS.get(trimmed.toLowerCase(Locale.ROOT));
            if (expanded == null) {
                throw new IllegalArgumentException("unknown macro " + trimmed + "; known: " + String.join(" ", MACROS.keySet()));
            }
            trimmed = expanded;
        }
        int fields = trimmed.split("\\s+").length;
        return switch (fields) {
            case 5 -> FIVE_FIELDS.parse(trimmed).validate();
            case 6 -> SIX_FIELDS.parse(trimmed).validate();
            // The 5-field parser words the mistake best (it names what it expected).
            default -> FIVE_FIELDS.parse(trimmed).validate();
        };
    }

    /**
     * cron-utils' Unix definition, optionally with a seconds field in front. Day of month and day of week combine
     * as in Vixie cron (either matches when both are restricted), and 7 is Sunday like 0.
     */
    private static CronDefinition unix(boolean withSeconds) {
        var builder = CronDefinitionBuilder.defineCron();
        if (withSeconds) {
            builder = builder.withSeconds().withValidRange(0, 59).withStrictRange().and();
        }
        return builder
                .withMinutes().withValidRange(0, 59).withStrictRange().and()
                .withHours().withValidRange(0, 23).withStrictRange().and()
                .withDayOfMonth().withValidRange(1, 31).withStrictRange().and()
                .withMonth().withValidRange(1, 12).withStrictRange().and()
                .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).withStrictRange().and()
                .matchDayOfWeekAndDayOfMonth()
                .instance();
    }
}
