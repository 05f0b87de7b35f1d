package io.punctual.schemas.contract;

import io.punctual.testkit.Readme;
import org.junit.jupiter.api.Test;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The README's "Straight to Kafka" Java example compiles against this module alone: the contract a program producing
 * commands straight to Kafka depends on (Avro types, topic catalog, serde, registry client) and Kafka's clients. This
 * module's test classpath holds neither the service kernel (Micronaut, Tink) nor any service, so an example that
 * needed them would not compile here.
 */
class ReadmeKafkaExampleTest {
    private static final String SECTION = "### Straight to Kafka";
    private static final String IMPORTS = """
            import io.punctual.schemas.*;
            import io.punctual.schemas.serde.TopicSerdes;
            import io.punctual.schemas.topic.Topics;
            import org.apache.kafka.clients.consumer.KafkaConsumer;
            import org.apache.kafka.clients.producer.KafkaProducer;
            import org.apache.kafka.clients.producer.ProducerRecord;
            import org.apache.kafka.common.serialization.*;
            import java.nio.ByteBuffer;
            import java.time.Duration;
            import java.time.Instant;
            import java.util.Base64;
            import java.util.List;
            import java.util.Map;
            import java.util.UUID;
            """;

    @Test
    void theStraightToKafkaExampleCompilesAgainstTheContractAlone() throws Exception {
        String example = javaBlockOf(Files.readString(Readme.path()));
        String source = IMPORTS + "class StraightToKafka {\n    static void run(String encryptedKey) throws Exception {\n"
                + example + "\n    }\n}\n";
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path out = Files.createTempDirectory("readme-example");
        boolean compiled = compiler.getTask(null, null, diagnostics,
                List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(), "-proc:none"),
                null, List.of(new Source(source))).call();
        assertThat(compiled).as("the README example compiles:%n%s%n%s", diagnostics.getDiagnostics().stream()
                .map(d -> d.getKind() + " line " + d.getLineNumber() + ": " + d.getMessage(null)).toList(), source).isTrue();
        assertThat(diagnostics.getDiagnostics()).noneMatch(d -> d.getKind() == Diagnostic.Kind.ERROR);
        assertThatThrownBy(() -> Class.forName("io.punctual.kernel.config.ConfigKeys")).as("no service kernel on this classpath")
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("io.micronaut.context.ApplicationContext")).as("no Micronaut on this classpath")
                .isInstanceOf(ClassNotFoundException.class);
    }

    /** The first ```java block of the README's "Straight to Kafka" section. */
    static String javaBlockOf(String readme) {
        int section = readme.indexOf("\n" + SECTION + "\n");
        assertThat(section).as("the README has a section " + SECTION).isNotNegative();
        int start = readme.indexOf("```java\n", section);
        int end = readme.indexOf("\n```", start + 8);
        assertThat(start).isPositive();
        return readme.substring(start + "```java\n".length(), end);
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String code) {
            super(URI.create("string:///StraightToKafka.java"), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) throws IOException {
            return code;
        }
    }
}
