package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.internal.trust.HostnameMatcher;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Host names an attacker would try against RFC 6125 / RFC 9525 matching, beyond the rule table of {@link
 * HostnameMatchingTest}: NUL bytes in a SAN (the 2009 "null prefix" attack), IP addresses in the spellings
 * {@code inet_aton} accepts (decimal, octal, short forms), wildcards that are too wide, and trailing dots around
 * wildcards. Row: requested name, DNS or IP SANs (comma-separated; {@code dns:} forces a DNS SAN), CN, verdict.
 */
class HostnameEdgeCasesTest {
  private static final TestPki.Held ROOT = TestPki.root("Edge Case Root");

  static Stream<Arguments> hostile() {
    return Stream.of(
        row("example.com", "example.com\u0000.evil.test", false),
        row("evil.test", "example.com\u0000.evil.test", false),
        row("example.com.evil.test", "example.com\u0000.evil.test", false),
        row("2130706433", "127.0.0.1", false),
        row("0x7f000001", "127.0.0.1", false),
        row("0177.0.0.1", "127.0.0.1", false),
        row("127.1", "127.0.0.1", false),
        row("127.0.0.1.", "127.0.0.1", false),
        row("www.example.com", "*.*.com", false),
        row("www.example.com", "*", false),
        row("com", "*", false),
        row("example.com", "*.example.com.", false),
        row("www.example.com", "*.example.com.", true),
        row("www.example.com.", "*.example.com", true),
        row("a.example.com", "*.a.example.com", false),
        row("www.example.com ", "www.example.com", false),
        row(" www.example.com", "www.example.com", false),
        row("www.example.com", "www.example.com,dns:*.evil.test", true),
        row("www.evil.test", "www.example.com,dns:*.evil.test", true),
        row("xn--bcher-kva.example", "*.example", false));
  }

  private static Arguments row(String expected, String sans, boolean match) {
    return Arguments.of(expected, sans, match);
  }

  @ParameterizedTest(name = "{0} vs SAN [{1}] -> {2}")
  @MethodSource("hostile")
  void matchesHostileNames(String expected, String sans, boolean match) {
    TestPki.Builder b = TestPki.builder("x").issuer(ROOT);
    for (String san : sans.split(",")) {
      if (san.startsWith("dns:")) b.dnsSan(san.substring(4));
      else b.san(san);
    }
    assertThat(HostnameMatcher.matches(expected, b.build().cert())).isEqualTo(match);
  }
}
