package io.sessionkit.servlet;

import io.sessionkit.ClientInfo;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Works out the {@link ClientInfo} (address and user agent) of a request, for session metadata and
 * events.
 *
 * <p>{@link #direct()} takes the peer address of the connection. Behind a reverse proxy that is the
 * proxy; {@link #trusting(Collection)} then honours {@code X-Forwarded-For}, but only when the peer
 * is one of the trusted proxies, since anyone else can write that header. The list is walked from
 * the right (the hop nearest this server), skipping trusted proxies, and the first address that is
 * not trusted is the client. When every hop is trusted, the leftmost is taken. Only the rightmost
 * {@value #MAX_FORWARDED_LENGTH} characters are read (the trusted proxies write at the right; a
 * client pads at the left), and an entry that is not an IP address, with or without a port, is
 * passed over. When nothing readable is left, the client's address is unknown and reported as the
 * empty string, never as the proxy's: otherwise a client could put everyone behind the proxy into
 * its own throttle bucket, and lock them out, by sending an unreadable header.
 *
 * <p>Addresses are reported in canonical form: dotted quads, and IPv6 in the RFC 5952 form ({@code
 * ::1}, {@code 2001:db8::7}); IPv4-mapped IPv6 addresses as IPv4. An address that cannot be read is
 * reported as the empty string. The user agent is the {@code User-Agent} header (empty when
 * absent), which {@link ClientInfo} cuts to {@value ClientInfo#MAX_USER_AGENT_LENGTH} characters.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ClientInfoResolver {

  /** Longest {@code X-Forwarded-For} (all its header lines together) that is read. */
  public static final int MAX_FORWARDED_LENGTH = 2048;

  private static final ClientInfoResolver DIRECT = new ClientInfoResolver(List.of());

  private final List<IpAddresses.Cidr> trusted;

  private ClientInfoResolver(List<IpAddresses.Cidr> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  /** The peer address of the connection, ignoring forwarding headers. The default. */
  public static ClientInfoResolver direct() {
    return DIRECT;
  }

  /**
   * Honours {@code X-Forwarded-For} from these proxies (see the class description).
   *
   * @param proxies IPv4 or IPv6 addresses ({@code 10.0.0.5}, {@code ::1}) or CIDR blocks ({@code
   *     10.0.0.0/8}, {@code fd00::/8}); an empty collection means {@link #direct()}
   * @throws IllegalArgumentException naming the entry when one is neither an address nor a block
   * @throws NullPointerException when {@code proxies} or an entry is null
   */
  public static ClientInfoResolver trusting(Collection<String> proxies) {
    Objects.requireNonNull(proxies, "proxies");
    List<IpAddresses.Cidr> blocks = new ArrayList<>(proxies.size());
    for (String proxy : proxies) {
      Objects.requireNonNull(proxy, "proxies must not contain null");
      blocks.add(IpAddresses.Cidr.parse(proxy));
    }
    return blocks.isEmpty() ? DIRECT : new ClientInfoResolver(blocks);
  }

  /** The client's address and user agent; never throws, whatever the headers say. */
  public ClientInfo resolve(HttpServletRequest request) {
    Objects.requireNonNull(request, "request");
    String userAgent = request.getHeader("User-Agent");
    return new ClientInfo(clientIp(request), userAgent == null ? "" : userAgent);
  }

  /**
   * The trusted blocks, in canonical form such as {@code 10.0.0.0/8}; empty for {@link #direct()}.
   */
  public List<String> trustedProxies() {
    return trusted.stream().map(IpAddresses.Cidr::toString).toList();
  }

  private String clientIp(HttpServletRequest request) {
    String remote = request.getRemoteAddr();
    Optional<byte[]> peer =
        remote == null ? Optional.empty() : IpAddresses.parseWithOptionalPort(remote.strip());
    if (peer.isEmpty()) {
      return "";
    }
    if (!isTrusted(peer.get())) {
      return IpAddresses.format(peer.get());
    }
    Optional<ForwardedHops> forwarded = forwardedHops(request);
    if (forwarded.isEmpty()) {
      return IpAddresses.format(peer.get());
    }
    return forwardedClient(forwarded.get()).map(IpAddresses::format).orElse("");
  }

  /**
   * The entries of X-Forwarded-For, left to right.
   *
   * @param hops the entries, stripped
   * @param cut whether entries at the left were dropped because the header was too long
   */
  private record ForwardedHops(List<String> hops, boolean cut) {}

  /**
   * The hops of X-Forwarded-For, all its lines together, left to right; at most the rightmost
   * {@value #MAX_FORWARDED_LENGTH} characters of them. Empty when the request has no such header.
   */
  private static Optional<ForwardedHops> forwardedHops(HttpServletRequest request) {
    Enumeration<String> headers = request.getHeaders("X-Forwarded-For");
    List<String> lines = headers == null ? List.of() : Collections.list(headers);
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    String joined = String.join(",", lines);
    boolean cut = joined.length() > MAX_FORWARDED_LENGTH;
    if (cut) {
      // keep the right end, where the trusted proxies wrote, without the entry the cut went
      // through: what is left of it may read as another address
      joined = joined.substring(joined.length() - MAX_FORWARDED_LENGTH);
      int comma = joined.indexOf(',');
      joined = comma < 0 ? "" : joined.substring(comma + 1);
    }
    List<String> hops = new ArrayList<>();
    for (String hop : joined.split(",", -1)) {
      hops.add(hop.strip());
    }
    return Optional.of(new ForwardedHops(hops, cut));
  }

  /**
   * The rightmost readable hop that is not a trusted proxy; else, when every readable hop is a
   * trusted proxy and none was cut off, the leftmost of them; else empty.
   */
  private Optional<byte[]> forwardedClient(ForwardedHops forwarded) {
    List<String> hops = forwarded.hops();
    byte @Nullable [] leftmostTrusted = null;
    for (int i = hops.size() - 1; i >= 0; i--) {
      Optional<byte[]> hop = IpAddresses.parseWithOptionalPort(hops.get(i));
      if (hop.isEmpty()) {
        continue;
      }
      if (!isTrusted(hop.get())) {
        return hop;
      }
      leftmostTrusted = hop.get();
    }
    // after a cut, the leftmost trusted hop read is not where the chain began
    return forwarded.cut() ? Optional.empty() : Optional.ofNullable(leftmostTrusted);
  }

  private boolean isTrusted(byte[] address) {
    for (IpAddresses.Cidr block : trusted) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return trusted.isEmpty()
        ? "ClientInfoResolver[direct]"
        : "ClientInfoResolver[trusting=" + trustedProxies() + "]";
  }
}
