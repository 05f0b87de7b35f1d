package io.punctual.gateway.body;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.micronaut.core.annotation.Nullable;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.FieldError;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a request's JSON into its typed body and checks it, collecting every mistake with the API's field path
 * ({@code target.url}, {@code messages[0].role}) so one problem+json answer names them all.
 * <p>
 * Binding is Jackson's (the records' {@code @JsonProperty}/{@code @JsonSubTypes}), strict about JSON types
 * ({@link StrictScalars}) and going on past an unknown field or a wrong type ({@link BindingProblems}); the rules a
 * field states about itself are Bean Validation constraints on the records, checked by micronaut-validation, whose
 * violations are named by the JSON field (snake case) rather than the Java property.
 */
@Singleton
public class BodyBinder {
    /** The records' field names ({@code @JsonNaming} snake case), for naming a violation by its JSON field. */
    private static final PropertyNamingStrategies.NamingBase SNAKE = (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    private final ObjectMapper json = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(StrictScalars.module())
            .addHandler(new BindingProblems())
            .build();
    private final Validator validator;

    public BodyBinder(Validator validator) {
        this.validator = validator;
    }

    /**
     * The body as {@code type}; every unknown field and wrong JSON type is added to {@code errors} (the value read
     * as null). A body that is not a JSON object is refused at once, as there is nothing to name.
     */
    public <T> T bind(JsonNode body, Class<T> type, List<FieldError> errors) {
        if (body == null || !body.isObject()) {
            throw ApiProblem.invalid("body", "must be a JSON object");
        }
        List<FieldError> found = new ArrayList<>();
        try (TokenBuffer tokens = new TokenBuffer(json, false)) {
            json.writeTree(tokens, body);
            // Read from tokens (not a tree parser) so field paths are tracked as for any stream.
            return json.readerFor(type).withAttribute(BindingProblems.ERRORS, found).readValue(tokens.asParser());
        } catch (InvalidDefinitionException e) {
            throw new IllegalStateException("A request body type cannot be bound: " + type.getName(), e);
        } catch (JsonMappingException e) {
            // What the handler could not note (a shape Jackson gives up on): named by the exception's path.
            Class<?> target = e instanceof MismatchedInputException m && m.getTargetType() != null ? m.getTargetType() : Object.class;
            String field = JsonPaths.of(e);
            if (found.stream().noneMatch(f -> f.field().equals(field))) {
                found.add(new FieldError(field, BindingProblems.wording(target)));
            }
            List<FieldError> all = new ArrayList<>(errors);
            all.addAll(found);
            throw ApiProblem.invalid(all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            errors.addAll(found);
        }
    }

    /**
     * Adds the constraint violations of {@code part} (a body or a piece of one) under {@code prefix}, except on
     * fields already named (a field of the wrong type is null, which must not also be told it is required).
     */
    public void validate(@Nullable Object part, String prefix, List<FieldError> errors) {
        if (part == null) {
            return;
        }
        List<FieldError> found = new ArrayList<>();
        for (ConstraintViolation<Object> violation : validator.validate(part)) {
            String field = field(prefix, violation.getPropertyPath());
            if (errors.stream().noneMatch(e -> e.field().equals(field)) && found.stream().noneMatch(e -> e.field().equals(field))) {
                found.add(new FieldError(field, violation.getMessage()));
            }
        }
        // Violations come in no set order; sorted, the same body always gets the same answer.
        found.sort((a, b) -> a.field().compareTo(b.field()));
        errors.addAll(found);
    }

    private static String field(String prefix, Path path) {
        StringBuilder field = new StringBuilder(prefix);
        for (Path.Node node : path) {
            if (node.getName() != null && !node.getName().isEmpty()) {
                field.append(field.length() == 0 ? "" : ".").append(SNAKE.translate(node.getName()));
            }
        }
        return field.toString();
    }
}
