package io.punctual.kernel.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Decides whether a tenant's webhook URL may be called, so that a schedule cannot make Punctual reach
 * addresses inside its own network (server-side request forgery). The host is resolved and every address it
 * resolves to must be public: loopback, private (RFC 1918, CGNAT, IPv6 unique-local), link-local (which holds
 * cloud metadata endpoints), unspecified and multicast addresses are refused, in IPv4 and in IPv6, including
 * IPv4 addresses embedded in IPv6 ones. The gateway checks at create time, the executor again before each call,
 * because DNS answers change.
 *
 * @param allowLoopback allow loopback addresses (standalone and tests talk to localhost)
 * @param allowPrivate  allow private ranges (a deployment whose webhooks live in its own network)
 * @param allowedHosts  hosts allowed whatever they resolve to (lower case)
 * @param deniedHosts   hosts refused; an entry starting with a dot refuses a whole domain (lower case)
 */
public record WebhookUrlPolicy(boolean allowLoopback, boolean allowPrivate, Set<String> allowedHosts, Set<String> deniedHosts) {

    /** Resolves a host name; {@link InetAddress#getAllByName} in production. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    public WebhookUrlPolicy {
        allowedHosts = normalise(allowedHosts);
        deniedHosts = normalise(deniedHosts);
    }

    /** The default: only public addresses. */
    public static WebhookUrlPolicy publicOnly() {
        return new WebhookUrlPolicy(false, false, Set.of(), Set.of());
    }

    /** Parses a comma-separated host list as configured. */
    public static Set<String> hostList(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    /** Why the URL is refused, resolving its host with the system resolver; empty if it may be called. Blocks on DNS. */
    public Optional<String> refusal(String url) {
        return refusal(url, InetAddress::getAllByName);
    }

    public Optional<String> refusal(String url, Resolver resolver) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            return Optional.of("not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("scheme must be http or https");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("credentials in the URL are not allowed");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            return Optional.of("no host");
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (isDenied(host)) {
            return Optional.of("host " + host + " is denied");
        }
        if (allowedHosts.contains(host)) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return Optional.of("host " + host + " does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            return Optional.of("host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            Optional<String> refused = refusal(address);
            if (refused.isPresent()) {
                return Optional.of("host " + host + " resolves to " + refused.get() + " address " + address.getHostAddress());
            }
        }
        return Optional.empty();
    }

    /** The kind of range the address lies in, if that range is refused. */
    Optional<String> refusal(InetAddress address) {
        InetAddress embedded = embeddedIpv4(address);
        if (embedded != null) {
            return refusal(embedded);
        }
        if (address.isLoopbackAddress()) {
            return allowLoopback ? Optional.empty() : Optional.of("a loopback");
        }
        if (address.isAnyLocalAddress()) {
            return Optional.of("an unspecified");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("a link-local");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast");
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return Optional.of("an unspecified");
            }
            if (first == 255 && second == 255) {
                return Optional.of("a broadcast");
            }
            boolean privateRange = address.isSiteLocalAddress()
                    || (first == 100 && second >= 64 && second <= 127) // CGNAT, RFC 6598
                    || (first == 198 && (second == 18 || second == 19)); // benchmarking, RFC 2544
            if (privateRange) {
                return allowPrivate ? Optional.empty() : Optional.of("a private");
            }
        } else {
            boolean uniqueLocal = (b[0] & 0xfe) == 0xfc; // fc00::/7
            if (uniqueLocal || address.isSiteLocalAddress()) {
                return allowPrivate ? Optional.empty() : Optional.of("a private");
            }
        }
        return Optional.empty();
    }

    /** The IPv4 address inside an IPv4-compatible, IPv4-mapped or NAT64 (64:ff9b::/96) IPv6 address. */
    private static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address v6)) {
            return null;
        }
        byte[] b = v6.getAddress();
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= b[i] == 0;
        }
        boolean mapped = zeroPrefix && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zeroPrefix && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1));
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                && IntStream.range(4, 12).allMatch(i -> b[i] == 0);
        if (!mapped && !compatible && !nat64) {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[]{b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private boolean isDenied(String host) {
        for (String denied : deniedHosts) {
            if (denied.startsWith(".") ? host.endsWith(denied) || host.equals(denied.substring(1)) : host.equals(denied)) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> normalise(Set<String> hosts) {
        return hosts == null ? Set.of() : hosts.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }
}
