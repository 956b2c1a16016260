package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;

import static dev.tlskit.internal.trust.HostnameMatcher.Match.COMMON_NAME_ONLY;

import dev.tlskit.internal.trust.HostnameMatcher;
import dev.tlskit.internal.trust.HostnameMatcher.Match;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 9525 matching, one row per rule: expected name, SANs of the certificate (empty: none), CN, and how the name is
 * matched. A CN names nobody; {@code COMMON_NAME_ONLY} marks a certificate without SANs whose CN would have matched
 * under the old fallback, which only the policy may allow.
 */
class HostnameMatchingTest {
  private static final TestPki.Held ROOT = TestPki.root("Matcher Root");

  static Stream<Arguments> table() {
    return Stream.of(
        row("example.com", "example.com", "x", true),
        row("EXAMPLE.com", "example.com", "x", true),
        row("example.com.", "example.com", "x", true),
        row("example.com", "Example.COM.", "x", true),
        row("www.example.com", "example.com", "x", false),
        row("www.example.com", "*.example.com", "x", true),
        row("WWW.Example.Com", "*.example.com", "x", true),
        row("a.b.example.com", "*.example.com", "x", false),
        row("example.com", "*.example.com", "x", false),
        row("foo.com", "*.com", "x", false),
        row("www.example.com", "w*.example.com", "x", false),
        row("www.example.com", "*w.example.com", "x", false),
        row("www.example.com", "www.*.com", "x", false),
        row("*.example.com", "*.example.com", "x", false),
        row("127.0.0.1", "127.0.0.1", "x", true),
        row("127.0.0.2", "127.0.0.1", "x", false),
        row("127.0.0.1", "dns:127.0.0.1", "x", false),
        row("127.0.0.1", "", "127.0.0.1", false),
        row("127.0.0.1", "*.0.0.1", "x", false),
        row("::1", "::1", "x", true),
        row("[::1]", "::1", "x", true),
        row("0:0:0:0:0:0:0:1", "::1", "x", true),
        row("::1", "127.0.0.1", "x", false),
        row("example.com", "", "example.com", COMMON_NAME_ONLY),
        row("EXAMPLE.com.", "", "example.com", COMMON_NAME_ONLY),
        row("example.com", "", "other.com", false),
        row("www.example.com", "", "*.example.com", COMMON_NAME_ONLY),
        row("a.b.example.com", "", "*.example.com", false),
        row("example.com", "other.com", "example.com", false),
        row("example.com", "127.0.0.1", "example.com", false),
        row("b\u00fccher.example", "xn--bcher-kva.example", "x", true),
        row("xn--bcher-kva.example", "xn--bcher-kva.example", "x", true),
        row("B\u00dcCHER.example", "xn--bcher-kva.example", "x", true),
        row("b\u00fccher.example", "*.example", "x", false),
        row("www.b\u00fccher.example", "*.xn--bcher-kva.example", "x", true),
        row("", "example.com", "x", false),
        row("example..com", "example..com", "x", false),
        row("a.example.com", "a.example.com,b.example.com", "x", true),
        row("b.example.com", "a.example.com,b.example.com", "x", true));
  }

  private static Arguments row(String expected, String sans, String cn, boolean match) {
    return Arguments.of(expected, sans, cn, match ? Match.SUBJECT_ALT_NAME : Match.NONE);
  }

  private static Arguments row(String expected, String sans, String cn, Match match) {
    return Arguments.of(expected, sans, cn, match);
  }

  @ParameterizedTest(name = "{0} vs SAN [{1}] CN {2} -> {3}")
  @MethodSource("table")
  void matchesPerRfc9525(String expected, String sans, String cn, Match match) {
    TestPki.Builder b = TestPki.builder(cn).issuer(ROOT);
    for (String san : sans.isEmpty() ? new String[0] : sans.split(",")) {
      if (san.startsWith("dns:")) b.dnsSan(san.substring(4));
      else b.san(san);
    }
    assertThat(HostnameMatcher.match(expected, b.build().cert())).isEqualTo(match);
    assertThat(HostnameMatcher.matches(expected, b.build().cert())).isEqualTo(match == Match.SUBJECT_ALT_NAME);
  }
}
