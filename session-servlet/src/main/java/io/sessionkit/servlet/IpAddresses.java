package io.sessionkit.servlet;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Strict parsing and formatting of IP address literals and CIDR blocks, without ever asking DNS.
 *
 * <p>{@link InetAddress#getByName(String)} resolves anything that is not a literal, so it is only
 * called for text already known to be an IPv6 literal candidate (it contains a colon and starts
 * with a hex digit or a colon), which it parses without a lookup. IPv4 is parsed here, rejecting
 * the ambiguous short and leading-zero forms that some parsers read as octal.
 */
final class IpAddresses {

  private IpAddresses() {}

  /** An address (4 or 16 bytes; IPv4-mapped IPv6 comes back as 4 bytes), or empty. */
  static Optional<byte[]> parse(String text) {
    if (text.isEmpty() || text.length() > 45) {
      return Optional.empty();
    }
    if (text.indexOf(':') < 0) {
      return parseV4(text);
    }
    char first = text.charAt(0);
    if (Character.digit(first, 16) < 0 && first != ':') {
      return Optional.empty();
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
        return Optional.empty(); // zone ids, brackets and anything else
      }
    }
    try {
      return Optional.of(InetAddress.getByName(text).getAddress());
    } catch (UnknownHostException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<byte[]> parseV4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    byte[] address = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
        return Optional.empty();
      }
      int value = 0;
      for (int j = 0; j < part.length(); j++) {
        int digit = part.charAt(j) - '0';
        if (digit < 0 || digit > 9) {
          return Optional.empty();
        }
        value = value * 10 + digit;
      }
      if (value > 255) {
        return Optional.empty();
      }
      address[i] = (byte) value;
    }
    return Optional.of(address);
  }

  /**
   * An address as a client would write it: an IP in brackets, optionally with a port ({@code
   * [::1]:8080}), or an IPv4 address with a port ({@code 10.0.0.1:8080}), as some proxies write
   * them into {@code X-Forwarded-For}; or a plain literal.
   */
  static Optional<byte[]> parseWithOptionalPort(String text) {
    if (text.startsWith("[")) {
      int end = text.indexOf(']');
      if (end < 0) {
        return Optional.empty();
      }
      String rest = text.substring(end + 1);
      if (!rest.isEmpty() && !isPort(rest)) {
        return Optional.empty();
      }
      return parse(text.substring(1, end));
    }
    int colon = text.indexOf(':');
    if (colon > 0 && colon == text.lastIndexOf(':')) {
      // one colon: IPv4 with a port (an IPv6 literal has at least two)
      if (!isPort(text.substring(colon))) {
        return Optional.empty();
      }
      return parseV4(text.substring(0, colon));
    }
    return parse(text);
  }

  private static boolean isPort(String colonAndDigits) {
    if (colonAndDigits.length() < 2
        || colonAndDigits.length() > 6
        || colonAndDigits.charAt(0) != ':') {
      return false;
    }
    int port = 0;
    for (int i = 1; i < colonAndDigits.length(); i++) {
      char c = colonAndDigits.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      port = port * 10 + (c - '0');
    }
    return port <= 65535;
  }

  /** Dotted quad for IPv4, RFC 5952 form (lower case, longest zero run as {@code ::}) for IPv6. */
  static String format(byte[] address) {
    if (address.length == 4) {
      try {
        return ((Inet4Address) InetAddress.getByAddress(address)).getHostAddress();
      } catch (UnknownHostException e) {
        throw new IllegalStateException("4 bytes are always an IPv4 address", e);
      }
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1; // RFC 5952: a single zero group is not shortened
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int start = i;
      while (i < 8 && groups[i] == 0) {
        i++;
      }
      if (i - start > bestLength) {
        bestStart = start;
        bestLength = i - start;
      }
    }
    StringBuilder text = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  /** A block of addresses: an address and how many leading bits must match. */
  record Cidr(byte[] network, int prefixLength) {

    /**
     * A block from {@code 10.0.0.0/8}, {@code fd00::/8}, or a single address ({@code 10.1.2.3}
     * means {@code 10.1.2.3/32}). Host bits set in the address are ignored.
     *
     * @throws IllegalArgumentException naming the value and the rule when it is neither
     */
    static Cidr parse(String text) {
      String trimmed = text.strip();
      int slash = trimmed.indexOf('/');
      String addressPart = slash < 0 ? trimmed : trimmed.substring(0, slash);
      byte[] address =
          IpAddresses.parse(addressPart)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "trusted proxy must be an IPv4 or IPv6 address or a CIDR block such as"
                              + " 10.0.0.0/8 or fd00::/8, but was '"
                              + text
                              + "'"));
      int bits = address.length * 8;
      int prefix = bits;
      if (slash >= 0) {
        String prefixPart = trimmed.substring(slash + 1);
        if (prefixPart.isEmpty()
            || prefixPart.length() > 3
            || !prefixPart.chars().allMatch(Character::isDigit)) {
          throw new IllegalArgumentException(
              "trusted proxy CIDR prefix length must be a number from 0 to "
                  + bits
                  + ", but was '"
                  + text
                  + "'");
        }
        prefix = Integer.parseInt(prefixPart);
        if (prefix > bits) {
          throw new IllegalArgumentException(
              "trusted proxy CIDR prefix length must be from 0 to "
                  + bits
                  + " for this address,"
                  + " but was '"
                  + text
                  + "'");
        }
      }
      return new Cidr(mask(address, prefix), prefix);
    }

    boolean contains(byte[] address) {
      return address.length == network.length
          && Arrays.equals(mask(address, prefixLength), network);
    }

    private static byte[] mask(byte[] address, int prefixLength) {
      byte[] masked = address.clone();
      for (int i = 0; i < masked.length; i++) {
        int keep = Math.max(0, Math.min(8, prefixLength - 8 * i));
        masked[i] &= (byte) (0xff << (8 - keep));
      }
      return masked;
    }

    @Override
    public boolean equals(@Nullable Object other) {
      return other instanceof Cidr that
          && prefixLength == that.prefixLength
          && Arrays.equals(network, that.network);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
      return format(network) + "/" + prefixLength;
    }
  }
}
