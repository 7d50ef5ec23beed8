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
 * not trusted is the client. When every hop is trusted, the leftmost is taken. A list that cannot
 * be read (an entry that is not an IP address, with or without a port, or a header longer than
 * {@value #MAX_FORWARDED_LENGTH} characters) is ignored and the peer address used.
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
    return forwardedClient(request).map(IpAddresses::format).orElse(IpAddresses.format(peer.get()));
  }

  /** The client named by X-Forwarded-For, or empty when there is none or it cannot be read. */
  private Optional<byte[]> forwardedClient(HttpServletRequest request) {
    Enumeration<String> headers = request.getHeaders("X-Forwarded-For");
    if (headers == null) {
      return Optional.empty();
    }
    List<String> hops = new ArrayList<>();
    int length = 0;
    for (String header : Collections.list(headers)) {
      length += header.length() + 1;
      if (length > MAX_FORWARDED_LENGTH) {
        return Optional.empty();
      }
      for (String hop : header.split(",", -1)) {
        hops.add(hop.strip());
      }
    }
    byte @Nullable [] leftmost = null;
    for (int i = hops.size() - 1; i >= 0; i--) {
      Optional<byte[]> hop = IpAddresses.parseWithOptionalPort(hops.get(i));
      if (hop.isEmpty()) {
        return Optional.empty();
      }
      if (!isTrusted(hop.get())) {
        return hop;
      }
      leftmost = hop.get();
    }
    return Optional.ofNullable(leftmost);
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
