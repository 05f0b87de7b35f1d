package io.punctual.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard and the alert rules parse and ask only for series Punctual exports (the planner's and executor's
 * operations tests check that /prometheus serves these names), so a renamed meter cannot silently blank a panel.
 */
class ObservabilityTest {
    /** Series names (without _bucket/_count/_sum/_max/_total suffixes of the same meter) Punctual's services export. */
    private static final Set<String> EXPORTED = Set.of(
            "punctual_fire_lag_sent_seconds", "punctual_fire_lag_committed_seconds", "punctual_planner_fire_lag_seconds",
            "punctual_planner_fires_emitted", "punctual_planner_punctuation_seconds", "punctual_planner_punctuation_fires",
            "punctual_planner_commands", "punctual_planner_commands_dead_letters", "punctual_planner_running",
            "punctual_planner_store_entries", "punctual_planner_schedules", "punctual_executor_deliveries",
            "punctual_executor_retries", "punctual_executor_dead_letters", "punctual_executor_deliveries_in_flight",
            "punctual_executor_fires_waiting_for_agent", "punctual_executor_agent_queue_depth",
            "kafka_consumer_fetch_manager_records_lag_max", "http_server_requests_seconds", "punctual_gateway_command_ack_seconds");
    private static final Pattern SERIES = Pattern.compile("\\b((?:punctual|kafka|http)_[a-z0-9_]+)");
    private static final Pattern SUFFIX = Pattern.compile("_(bucket|count|sum|max|total)$");

    @Test
    void alertRulesCoverWhatAnOperatorMustHear() throws IOException {
        JsonNode rules = new YAMLMapper().readTree(dir().resolve("punctual-alerts.yaml").toFile());
        List<String> alerts = new ArrayList<>();
        for (JsonNode rule : rules.at("/groups/0/rules")) {
            alerts.add(rule.path("alert").asText());
            assertThat(rule.path("expr").asText()).as(rule.path("alert").asText()).isNotBlank();
            assertThat(rule.at("/labels/severity").asText()).isIn("warning", "critical");
            assertThat(rule.at("/annotations/summary").asText()).isNotBlank();
            assertExported(rule.path("expr").asText());
        }
        assertThat(alerts).contains("PunctualFireLagHigh", "PunctualExecutorLagGrowing", "PunctualDeadLettersRising",
                "PunctualPlannerNotRunning", "PunctualResultsNotCommitted");
    }

    @Test
    void dashboardPanelsQueryExportedSeries() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(dir().resolve("punctual-dashboard.json").toFile());
        int queries = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                assertExported(target.path("expr").asText());
                queries++;
            }
        }
        assertThat(queries).isGreaterThan(15);
    }

    private static void assertExported(String expr) {
        Matcher m = SERIES.matcher(expr);
        int found = 0;
        while (m.find()) {
            String series = m.group(1);
            String meter = EXPORTED.contains(series) ? series : SUFFIX.matcher(series).replaceAll("");
            assertThat(EXPORTED).as("series %s in %s", series, expr).contains(meter);
            found++;
        }
        assertThat(found).as("series in %s", expr).isPositive();
    }

    private static Path dir() {
        return RenderedOverlay.moduleDir().resolve("observability");
    }
}
