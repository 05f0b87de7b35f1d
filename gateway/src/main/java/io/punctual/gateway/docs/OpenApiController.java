package io.punctual.gateway.docs;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.ProblemType;
import io.swagger.v3.oas.annotations.Hidden;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/**
 * Serves the OpenAPI document that micronaut-openapi writes from the controllers at compile time, at
 * {@code /openapi.yml}, and its Swagger UI at {@code /swagger-ui}. Served by a controller rather than static-resource
 * settings so it works whatever application.yml wins on the standalone jar's class path.
 */
@Controller
@Hidden
public class OpenApiController {
    private static final String DOCUMENT = "META-INF/swagger/punctual-1.yml";
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    @Get(value = "/openapi.yml", produces = "application/yaml")
    public HttpResponse<byte[]> document() {
        return HttpResponse.ok(read(DOCUMENT)).contentType("application/yaml");
    }

    /** The UI asks for the document under its generated name. */
    @Get("/swagger/{file}")
    public HttpResponse<byte[]> swaggerFile(@PathVariable String file) {
        return HttpResponse.ok(read("META-INF/swagger/" + checked(file))).contentType(file.endsWith(".yml") ? "application/yaml" : MediaType.TEXT_PLAIN);
    }

    @Get("/swagger-ui")
    public HttpResponse<byte[]> ui() {
        return HttpResponse.ok(read("META-INF/swagger/views/swagger-ui/index.html")).contentType(MediaType.TEXT_HTML);
    }

    @Get("/swagger-ui/res/{file}")
    public HttpResponse<byte[]> uiResource(@PathVariable String file) {
        String type = file.endsWith(".css") ? "text/css" : file.endsWith(".js") ? "application/javascript"
                : file.endsWith(".png") ? "image/png" : MediaType.APPLICATION_OCTET_STREAM;
        return HttpResponse.ok(read("META-INF/swagger/views/swagger-ui/res/" + checked(file))).contentType(type);
    }

    private static String checked(String file) {
        if (!FILE.matcher(file).matches() || file.startsWith(".")) {
            throw new ApiProblem(ProblemType.NOT_FOUND, "No such file.");
        }
        return file;
    }

    private static byte[] read(String resource) {
        try (InputStream in = OpenApiController.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ApiProblem(ProblemType.NOT_FOUND, "No such file.");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
