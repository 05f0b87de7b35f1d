package io.punctual.gateway.console;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.kernel.config.ConfigKeys;
import io.swagger.v3.oas.annotations.Hidden;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The web console: static files from the jar ({@code console/} on the class path), no build step and nothing
 * from elsewhere. Every answer carries a Content-Security-Policy that allows only this origin's own scripts and
 * styles (no inline code), so a value that slipped past the console's escaping still could not run.
 */
@Controller("/console")
@Hidden
@Requires(property = ConfigKeys.GATEWAY_ENABLED, notEquals = "false")
public class ConsoleController {
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Pattern FILE = Pattern.compile("[a-z0-9-]{1,60}\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");

    /** The page names its scripts and styles by absolute path, so /console and /console/ both work. */
    @Get
    public HttpResponse<byte[]> index() {
        return file("index.html");
    }

    @Get("/{file}")
    public HttpResponse<byte[]> file(@PathVariable String file) {
        if (!FILE.matcher(file).matches()) {
            throw new ApiProblem(ProblemType.NOT_FOUND, "No such file.");
        }
        String extension = file.substring(file.lastIndexOf('.') + 1);
        MutableHttpResponse<byte[]> response = HttpResponse.ok(read("console/" + file)).contentType(TYPES.get(extension));
        response.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.header("X-Content-Type-Options", "nosniff");
        response.header("Referrer-Policy", "no-referrer");
        response.header("X-Frame-Options", "DENY");
        response.header("Cache-Control", "no-cache");
        return response;
    }

    private static byte[] read(String resource) {
        try (InputStream in = ConsoleController.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ApiProblem(ProblemType.NOT_FOUND, "No such file.");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
