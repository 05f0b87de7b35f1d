package io.punctual.executor.letta;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Letta servers a schedule may name: the deployment's default and an operator's allow-list. A schedule's
 * base URL receives the tenant's API key and is reached from inside the deployment, so it is an allow-list,
 * not a deny-list. URLs are compared by scheme, host, port and path, ignoring case of scheme and host and a
 * trailing slash.
 */
final class LettaBaseUrls {
    private final String defaultUrl;
    private final String defaultNormalised;
    private final Set<String> allowed;

    LettaBaseUrls(String defaultUrl, List<String> allowed) {
        this.defaultUrl = defaultUrl;
        this.defaultNormalised = normalise(defaultUrl);
        this.allowed = allowed.stream().map(LettaBaseUrls::normalise).collect(Collectors.toUnmodifiableSet());
    }

    /** The base URL to use for a schedule that names this one (null: the default). */
    String resolve(String scheduleUrl) {
        return scheduleUrl == null || scheduleUrl.isBlank() ? defaultUrl : scheduleUrl;
    }

    public boolean isAllowed(String url) {
        if (url.equals(defaultUrl)) {
            return true; // most schedules name no server of their own: no URL to parse per fire
        }
        String n = normalise(url);
        return n.equals(defaultNormalised) || allowed.contains(n);
    }

    static String normalise(String url) {
        try {
            URI uri = URI.create(url.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            return scheme + "://" + host + ":" + port + path;
        } catch (IllegalArgumentException e) {
            // An unparseable URL matches nothing but its own text, which no allow-list entry normalises to.
            return "invalid:" + url;
        }
    }
}
