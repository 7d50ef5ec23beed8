package io.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.ClientInfo;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientInfoResolverTest {

  private final ClientInfoResolver trusting =
      ClientInfoResolver.trusting(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8", "::1"));

  private String ip(ClientInfoResolver resolver, String peer, String... forwardedFor) {
    String[] headers = new String[forwardedFor.length * 2];
    for (int i = 0; i < forwardedFor.length; i++) {
      headers[2 * i] = "X-Forwarded-For";
      headers[2 * i + 1] = forwardedFor[i];
    }
    return resolver.resolve(FakeHttp.request(peer, headers)).ip();
  }

  @Test
  void directUsesThePeerAddressAndIgnoresForwardedFor() {
    assertThat(ip(ClientInfoResolver.direct(), "203.0.113.9", "198.51.100.1"))
        .isEqualTo("203.0.113.9");
  }

  @Test
  void forwardedForIsIgnoredFromAnUntrustedPeer() {
    assertThat(ip(trusting, "203.0.113.9", "198.51.100.1")).isEqualTo("203.0.113.9");
  }

  @Test
  void forwardedForIsHonouredFromATrustedPeer() {
    assertThat(ip(trusting, "10.1.2.3", "198.51.100.1")).isEqualTo("198.51.100.1");
    assertThat(ip(trusting, "192.168.1.7", "198.51.100.1")).isEqualTo("198.51.100.1");
  }

  @Test
  void trustedHopsAreSkippedFromTheRight() {
    assertThat(ip(trusting, "10.0.0.1", "198.51.100.1, 203.0.113.5, 10.9.9.9, 192.168.1.7"))
        .isEqualTo("203.0.113.5");
  }

  @Test
  void spoofedLeftmostEntriesAreNotBelieved() {
    // the client wrote "1.1.1.1" itself; the proxy appended the address it saw
    assertThat(ip(trusting, "10.0.0.1", "1.1.1.1, 203.0.113.5")).isEqualTo("203.0.113.5");
  }

  @Test
  void severalHeaderLinesAreOneList() {
    assertThat(ip(trusting, "10.0.0.1", "198.51.100.1, 203.0.113.5", "10.2.2.2"))
        .isEqualTo("203.0.113.5");
  }

  @Test
  void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
    assertThat(ip(trusting, "10.0.0.1", "10.5.5.5, 10.6.6.6")).isEqualTo("10.5.5.5");
  }

  @Test
  void withoutForwardedForThePeerIsTheClient() {
    assertThat(ip(trusting, "10.0.0.1")).isEqualTo("10.0.0.1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "garbage",
        "",
        " , ",
        "unknown",
        "256.1.1.1",
        "1.2.3",
        "01.2.3.4",
        "::ffff::1::",
        "example.com",
        "1.2.3.4:99999",
        "[::1",
        "fe80::1%eth0",
        "1.2.3.4 5.6.7.8"
      })
  void unreadableForwardedForFromATrustedProxyIsAnUnknownClientNeverTheProxy(String forwardedFor) {
    // issue 9, finding 6: the proxy's own address would put every client behind it in one bucket
    assertThat(ip(trusting, "10.0.0.1", forwardedFor)).as(forwardedFor).isEmpty();
  }

  @Test
  void unreadableEntriesArePassedOverToTheRightmostReadableUntrustedHop() {
    assertThat(ip(trusting, "10.0.0.1", "198.51.100.1, unknown")).isEqualTo("198.51.100.1");
    assertThat(ip(trusting, "10.0.0.1", "198.51.100.1, garbage, 10.0.0.2"))
        .isEqualTo("198.51.100.1");
    assertThat(ip(trusting, "10.0.0.1", "<script>, 10.0.0.2")).isEqualTo("10.0.0.2");
  }

  @Test
  void garbageBeyondTheClientIsNeverRead() {
    assertThat(ip(trusting, "10.0.0.1", "garbage, 203.0.113.5")).isEqualTo("203.0.113.5");
  }

  @Test
  void oversizedForwardedForIsReadFromTheRightWhereTheProxyWrote() {
    // issue 9, finding 6: a client pads the header at the left; the proxy appends what it saw
    String padding = "1.1.1.1, ".repeat(1000) + "x".repeat(5000) + ", ";
    assertThat(ip(trusting, "10.0.0.1", padding + "203.0.113.5")).isEqualTo("203.0.113.5");
    assertThat(ip(trusting, "10.0.0.1", padding + "203.0.113.5, 10.0.0.7"))
        .isEqualTo("203.0.113.5");
    assertThat(ip(trusting, "10.0.0.1", padding, "203.0.113.5")).isEqualTo("203.0.113.5");
  }

  @Test
  void theEntryThatTheLengthLimitCutsThroughIsNeverRead() {
    // the limit keeps the rightmost 2048 characters; cut there, "198.51.100.123" would read as
    // "8.51.100.123" or "98.51.100.123", an address nobody sent
    String trustedHops = "10.0.0.2" + ", 10.0.0.2".repeat(202);
    for (int kept = 1; kept <= 14; kept++) {
      // the entries after the address take up all but `kept` of the 2048 characters read
      String tail = "," + " ".repeat(19 - kept) + trustedHops;
      assertThat(tail).hasSize(ClientInfoResolver.MAX_FORWARDED_LENGTH - kept);
      String header = "1".repeat(100) + ", 198.51.100.123" + tail;

      assertThat(ip(trusting, "10.0.0.1", header)).as("%d characters kept", kept).isEmpty();
    }
  }

  @Test
  void oversizedListOfTrustedHopsIsAnUnknownClientNeverAProxy() {
    String[] hops = new String[300];
    Arrays.fill(hops, "10.0.0.2");
    hops[0] = "203.0.113.5";
    assertThat(ip(trusting, "10.0.0.1", String.join(", ", hops))).isEmpty();
  }

  @Test
  void portsInForwardedForAreIgnored() {
    assertThat(ip(trusting, "10.0.0.1", "203.0.113.5:41234")).isEqualTo("203.0.113.5");
    assertThat(ip(trusting, "10.0.0.1", "[2001:db8::7]:443")).isEqualTo("2001:db8::7");
  }

  @Test
  void ipv6PeersAndBlocksAreMatched() {
    assertThat(ip(trusting, "fd12:3456::1", "2001:db8::7")).isEqualTo("2001:db8::7");
    assertThat(ip(trusting, "[fd12:3456::1]", "2001:db8::7")).isEqualTo("2001:db8::7");
    assertThat(ip(trusting, "0:0:0:0:0:0:0:1", "2001:db8::7")).isEqualTo("2001:db8::7");
    assertThat(ip(trusting, "fe80::1", "2001:db8::7")).isEqualTo("fe80::1");
    assertThat(ip(trusting, "::1", "fd00::5, 2001:DB8:0:0:0:0:0:8")).isEqualTo("2001:db8::8");
  }

  @Test
  void ipv4MappedIpv6IsTreatedAsIpv4() {
    assertThat(ip(trusting, "::ffff:10.0.0.1", "203.0.113.5")).isEqualTo("203.0.113.5");
    assertThat(ip(trusting, "10.0.0.1", "::ffff:203.0.113.5")).isEqualTo("203.0.113.5");
  }

  @Test
  void cidrBoundariesAreExact() {
    ClientInfoResolver narrow =
        ClientInfoResolver.trusting(List.of("172.16.0.0/12", "2001:db8:abcd::/48"));

    assertThat(ip(narrow, "172.31.255.255", "203.0.113.5")).isEqualTo("203.0.113.5");
    assertThat(ip(narrow, "172.32.0.0", "203.0.113.5")).isEqualTo("172.32.0.0");
    assertThat(ip(narrow, "172.15.255.255", "203.0.113.5")).isEqualTo("172.15.255.255");
    assertThat(ip(narrow, "2001:db8:abcd:ffff::1", "203.0.113.5")).isEqualTo("203.0.113.5");
    assertThat(ip(narrow, "2001:db8:abce::1", "203.0.113.5")).isEqualTo("2001:db8:abce::1");
  }

  @Test
  void zeroPrefixTrustsEveryAddressOfItsFamily() {
    ClientInfoResolver all4 = ClientInfoResolver.trusting(List.of("0.0.0.0/0"));

    assertThat(ip(all4, "203.0.113.9", "198.51.100.1")).isEqualTo("198.51.100.1");
    assertThat(ip(all4, "2001:db8::1", "198.51.100.1")).isEqualTo("2001:db8::1");
  }

  @Test
  void addressesAreReportedInCanonicalForm() {
    assertThat(ip(ClientInfoResolver.direct(), "2001:0DB8:0000:0000:0000:0000:0000:0001"))
        .isEqualTo("2001:db8::1");
    assertThat(ip(ClientInfoResolver.direct(), "2001:db8:0:1:0:0:0:1"))
        .isEqualTo("2001:db8:0:1::1");
    assertThat(ip(ClientInfoResolver.direct(), "2001:db8:0:0:1:0:0:1"))
        .isEqualTo("2001:db8::1:0:0:1");
    assertThat(ip(ClientInfoResolver.direct(), "2001:db8:0:1:1:1:1:1"))
        .isEqualTo("2001:db8:0:1:1:1:1:1");
    assertThat(ip(ClientInfoResolver.direct(), "0:0:0:0:0:0:0:0")).isEqualTo("::");
  }

  @Test
  void unreadablePeerAddressIsReportedEmpty() {
    assertThat(ip(ClientInfoResolver.direct(), "not-an-ip")).isEmpty();
  }

  @Test
  void userAgentComesFromItsHeaderAndIsCut() {
    ClientInfo client =
        ClientInfoResolver.direct()
            .resolve(FakeHttp.request("10.0.0.1", "User-Agent", "x".repeat(2000)));
    ClientInfo none = ClientInfoResolver.direct().resolve(FakeHttp.request("10.0.0.1"));

    assertThat(client.userAgent()).hasSize(ClientInfo.MAX_USER_AGENT_LENGTH);
    assertThat(none.userAgent()).isEmpty();
  }

  @Test
  void trustedProxiesAreReportedCanonically() {
    assertThat(trusting.trustedProxies())
        .containsExactly("10.0.0.0/8", "192.168.1.7/32", "fd00::/8", "::1/128");
    assertThat(ClientInfoResolver.trusting(List.of("10.1.2.3/8")).trustedProxies())
        .containsExactly("10.0.0.0/8");
    assertThat(ClientInfoResolver.trusting(List.of()).trustedProxies()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "localhost", "example.com", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/-1",
            "10.0.0.0/x",
        "10.0.0/8", "010.0.0.1", "1.2.3.4.5", "[::1]", "fe80::1%eth0", "*", "10.0.0.0/8/8",
            "::ffff:10.0.0.0/104"
      })
  void invalidProxiesAreRejectedNamingTheEntry(String proxy) {
    assertThatThrownBy(() -> ClientInfoResolver.trusting(List.of("10.0.0.0/8", proxy)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + proxy + "'")
        .hasMessageContaining("must");
  }

  @Test
  void nullProxiesAreRejected() {
    assertThatThrownBy(() -> ClientInfoResolver.trusting(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ClientInfoResolver.trusting(Arrays.asList("10.0.0.1", null)))
        .isInstanceOf(NullPointerException.class);
  }
}
