package io.punctual.standalone;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.core.convert.format.ReadableBytes;
import io.micronaut.core.naming.NameUtils;
import io.punctual.executor.config.ExecutorConfig;
import io.punctual.gateway.GatewayConfig;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.config.HeadlessService;
import io.punctual.kernel.config.KafkaSettings;
import io.punctual.kernel.config.SchemaRegistryConfig;
import io.punctual.kernel.config.SharedConfig;
import io.punctual.planner.PlannerConfig;
import io.punctual.schemas.serde.RegistryClientSettings;
import io.punctual.testkit.Readme;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration tables ({@code ## Configuration} and the {@code ### Settings} tables) are the reference
 * of every setting: each key of each service's configuration type is listed there with its real default, the README
 * lists no key that does not exist, and each key really binds under the name the README gives it.
 */
class ReadmeConfigurationTest {
    /** One configuration type per service, and the shared ones in the kernel. */
    private static final List<Class<?>> CONFIG_TYPES = List.of(SharedConfig.class, SchemaRegistryConfig.class, PlannerConfig.class,
            ExecutorConfig.class, GatewayConfig.class);
    private static final Pattern TICKED = Pattern.compile("`([^`]+)`");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Pattern BYTES = Pattern.compile("(\\d+)(KB|MB|GB)");
    private static final Map<String, Object> NO_SERVICES = Map.of(ConfigKeys.PLANNER_ENABLED, false, ConfigKeys.EXECUTOR_ENABLED, false,
            ConfigKeys.GATEWAY_ENABLED, false);

    /** A key of a configuration type: where it lives and its value in one bound instance. */
    private record Setting(String key, Object owner, Field field) {
        Object value() {
            try {
                return field.get(owner);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        boolean readableBytes() {
            String setter = "set" + Character.toUpperCase(field.getName().charAt(0)) + field.getName().substring(1);
            try {
                return owner.getClass().getMethod(setter, field.getType()).getParameters()[0].isAnnotationPresent(ReadableBytes.class);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("no setter " + setter + " for " + key, e);
            }
        }
    }

    /** One row of a README table: its keys, the environment variables it names, and its default cell. */
    private record Row(List<String> keys, List<String> envs, String defaultCell) {
    }

    @Test
    void everyKeyIsListedWithItsRealDefault() {
        Map<String, List<Row>> readme = readmeRows();
        SoftAssertions softly = new SoftAssertions();
        try (ApplicationContext context = context(NO_SERVICES)) {
            settings(context).forEach((key, setting) -> {
                List<Row> rows = readme.get(key);
                softly.assertThat(rows).as("README row for %s", key).isNotNull();
                if (rows != null) {
                    rows.forEach(row -> softly.assertThat(matches(row.defaultCell(), setting, context.getConversionService()))
                            .as("README default '%s' of %s is its real default %s", row.defaultCell(), key, setting.value()).isTrue());
                }
            });
            // Keys read outside the configuration types (Micronaut's own server, the registry client, the standalone).
            otherDefaults(context).forEach((key, value) -> Optional.ofNullable(readme.get(key)).ifPresent(rows -> rows.forEach(row ->
                    softly.assertThat(firstTicked(row.defaultCell()).orElse(null)).as("README default of %s", key).isEqualTo(value))));
        }
        softly.assertAll();
    }

    @Test
    void theReadmeListsNoKeyThatDoesNotExist() {
        Map<String, List<Row>> readme = readmeRows();
        try (ApplicationContext context = context(NO_SERVICES)) {
            List<String> known = new ArrayList<>(settings(context).keySet());
            known.addAll(otherDefaults(context).keySet());
            known.addAll(registrySettings());
            assertThat(readme.keySet()).as("keys in the README's configuration tables").isSubsetOf(known);
            // The services' on/off switches are read by @Requires, not by a configuration type.
            known.addAll(List.of(ConfigKeys.PLANNER_ENABLED, ConfigKeys.EXECUTOR_ENABLED, ConfigKeys.GATEWAY_ENABLED));
            assertThat(configKeys()).as("names in ConfigKeys").isSubsetOf(known);
        }
        readme.forEach((key, rows) -> rows.stream().flatMap(r -> r.envs().stream()).filter(env -> key.contains("."))
                .forEach(env -> assertThat(env).as("environment variable of %s", key).isEqualTo(envName(key))));
    }

    @Test
    void everyKeyBindsUnderItsName() {
        Map<String, Object> changed = new HashMap<>(NO_SERVICES);
        Map<String, Object> expected = new TreeMap<>();
        try (ApplicationContext defaults = context(NO_SERVICES)) {
            settings(defaults).forEach((key, setting) -> {
                Object other = otherValue(setting);
                changed.put(key, setting.readableBytes() ? ((Long) other / 1024) + "KB" : format(other));
                expected.put(key, other);
            });
        }
        try (ApplicationContext context = context(changed)) {
            Map<String, Object> bound = new TreeMap<>();
            settings(context).forEach((key, setting) -> bound.put(key, setting.value()));
            assertThat(bound).isEqualTo(expected);
        }
    }

    /** A context of the given properties only: the machine's environment variables must not change the defaults. */
    private static ApplicationContext context(Map<String, Object> properties) {
        return ApplicationContext.builder().environmentPropertySource(false).properties(properties).start();
    }

    /** Every key of every configuration type, with the instance the context bound it to. */
    private static Map<String, Setting> settings(ApplicationContext context) {
        Map<String, Setting> out = new TreeMap<>();
        for (Class<?> type : CONFIG_TYPES) {
            collect(context.getBean(type), type.getAnnotation(ConfigurationProperties.class).value(), out);
        }
        return out;
    }

    private static void collect(Object bean, String prefix, Map<String, Setting> out) {
        for (Field field : bean.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            field.setAccessible(true);
            ConfigurationProperties nested = field.getType().getAnnotation(ConfigurationProperties.class);
            Setting setting = new Setting(prefix + "." + NameUtils.hyphenate(field.getName()), bean, field);
            if (nested != null) {
                collect(setting.value(), prefix + "." + nested.value(), out);
            } else {
                out.put(setting.key(), setting);
            }
        }
    }

    /** Keys the README documents that are read outside the configuration types, with their defaults. */
    private static Map<String, String> otherDefaults(ApplicationContext context) {
        StandaloneConfig standalone = StandaloneConfig.fromEnvironment(Map.of());
        Map<String, String> out = new LinkedHashMap<>();
        out.put(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, KafkaSettings.DEFAULT_BOOTSTRAP_SERVERS);
        // The gateway's application.yml maps it onto micronaut.server.port.
        out.put("punctual.http.port", context.getProperty("micronaut.server.port", String.class).orElseThrow());
        out.put(ConfigKeys.MANAGEMENT_PORT, Integer.toString(HeadlessService.DEFAULT_MANAGEMENT_PORT));
        out.put(ConfigKeys.LOG_FORMAT_ENV, logFormatDefault());
        out.put(StandaloneConfig.ENV_DATA_DIR, standalone.dataDir().toString());
        out.put(StandaloneConfig.ENV_HTTP_PORT, Integer.toString(standalone.httpPort()));
        out.put(StandaloneConfig.ENV_KAFKA_PORT, Integer.toString(standalone.kafkaPort()));
        out.put(StandaloneConfig.ENV_REGISTRY_PORT, Integer.toString(standalone.registryPort()));
        out.put(StandaloneConfig.ENV_LETTA_BASE_URL, standalone.lettaBaseUrl());
        return out;
    }

    /** The registry client's settings keep Confluent's names under schema.registry. and have no defaults. */
    private static List<String> registrySettings() {
        List<String> out = new ArrayList<>();
        for (Field field : RegistryClientSettings.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    out.add(ConfigKeys.registrySetting((String) field.get(null)));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    /** The key names of {@link ConfigKeys} (its prefix of the registry settings aside). */
    private static List<String> configKeys() {
        List<String> out = new ArrayList<>();
        for (Field field : ConfigKeys.class.getFields()) {
            try {
                String name = (String) field.get(null);
                if (!name.endsWith(".")) {
                    out.add(name);
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    private static String logFormatDefault() {
        try (InputStream in = ReadmeConfigurationTest.class.getResourceAsStream("/logback.xml")) {
            Matcher m = Pattern.compile("\\$\\{" + ConfigKeys.LOG_FORMAT_ENV + ":-([a-z]+)}").matcher(
                    new String(Objects.requireNonNull(in, "logback.xml").readAllBytes(), StandardCharsets.UTF_8));
            assertThat(m.find()).as("logback.xml reads " + ConfigKeys.LOG_FORMAT_ENV).isTrue();
            return m.group(1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether a README default cell states the setting's default: the first quoted value, converted to the setting's
     * type. A setting without a default (empty) is described in words (a computed default, or "–").
     */
    private static boolean matches(String cell, Setting setting, ConversionService conversion) {
        Object value = setting.value();
        if (cell.equals("off")) {
            return Boolean.FALSE.equals(value) || "".equals(value);
        }
        if (value == null || "".equals(value)) {
            return !cell.startsWith("`");
        }
        Optional<String> ticked = firstTicked(cell);
        if (ticked.isEmpty()) {
            return false;
        }
        if (setting.readableBytes()) {
            Matcher m = BYTES.matcher(ticked.get());
            return m.matches() && Long.parseLong(m.group(1)) << (10 * ("KMG".indexOf(m.group(2).charAt(0)) + 1)) == (Long) value;
        }
        Class<?> type = setting.field().getType();
        Class<?> target = type.isPrimitive() ? wrapper(type) : type;
        return conversion.convert(ticked.get(), target).map(value::equals).orElse(false);
    }

    private static Object otherValue(Setting setting) {
        Object value = setting.value();
        Class<?> type = setting.field().getType();
        if (type == boolean.class) {
            return !(Boolean) value;
        } else if (type == int.class) {
            return (Integer) value + 1;
        } else if (type == long.class) {
            return (Long) value + 1024;
        } else if (type == short.class) {
            return (short) ((Short) value + 1);
        } else if (type == double.class) {
            return (Double) value + 0.5;
        } else if (type == Duration.class) {
            return ((Duration) value).plusSeconds(7);
        } else if (type == String.class) {
            return "changed-" + setting.key();
        }
        throw new IllegalStateException("no other value of " + type + " for " + setting.key());
    }

    private static String format(Object value) {
        if (value instanceof Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        }
        return value.toString();
    }

    private static Class<?> wrapper(Class<?> primitive) {
        return Map.<Class<?>, Class<?>>of(boolean.class, Boolean.class, int.class, Integer.class, long.class, Long.class,
                short.class, Short.class, double.class, Double.class).get(primitive);
    }

    private static Optional<String> firstTicked(String cell) {
        Matcher m = TICKED.matcher(cell);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The rows of the README's configuration tables, by key (a key may be listed in more than one table). */
    private static Map<String, List<Row>> readmeRows() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Readme.path());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, List<Row>> out = new TreeMap<>();
        boolean inTables = false;
        for (String line : lines) {
            if (line.startsWith("#")) {
                inTables = line.equals("## Configuration") || line.equals("### Settings");
                continue;
            }
            if (!inTables || !line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            Row row = row(cells[1].strip(), cells[2].strip());
            row.keys().forEach(key -> out.computeIfAbsent(key, k -> new ArrayList<>()).add(row));
        }
        assertThat(out).as("rows of the README's configuration tables").hasSizeGreaterThan(50);
        return out;
    }

    /**
     * The keys of a first cell: {@code `a.b.c` (`A_B_C`)}, {@code `a.b.c`, `d`} (a sibling of a.b.c), {@code `a.b.c`,
     * `.e`} (a.b.e) or an environment variable alone ({@code `PUNCTUAL_DATA_DIR`}).
     */
    private static Row row(String keyCell, String defaultCell) {
        List<String> keys = new ArrayList<>();
        List<String> envs = new ArrayList<>();
        Matcher m = TICKED.matcher(keyCell);
        while (m.find()) {
            String token = m.group(1);
            if (ENV_NAME.matcher(token).matches()) {
                (keys.isEmpty() ? keys : envs).add(token);
            } else if (keys.isEmpty() || token.contains(".") && !token.startsWith(".")) {
                keys.add(token);
            } else {
                String first = keys.get(0);
                keys.add(first.substring(0, first.lastIndexOf('.')) + (token.startsWith(".") ? token : "." + token));
            }
        }
        return new Row(keys, envs, defaultCell);
    }
}
