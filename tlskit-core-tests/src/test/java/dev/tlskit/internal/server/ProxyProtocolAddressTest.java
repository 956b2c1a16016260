package dev.tlskit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Addresses in PROXY v1 headers are literals and are never resolved: a header is peer bytes, and handing a
 * non-literal to {@code InetAddress.getByName} would make the server do a DNS lookup (slow, blocking, and a lookup the
 * peer chose) before the handshake. Out-of-range octets and IPv6 shapes the JDK would take for host names are
 * refused by shape.
 */
class ProxyProtocolAddressTest {
  private static ProxyProtocol.Header read(String header) throws IOException {
    return ProxyProtocol.read(new ByteArrayInputStream(header.getBytes(StandardCharsets.US_ASCII)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PROXY TCP4 256.0.0.1 127.0.0.1 1 2\r\n", "PROXY TCP4 1.2.3.999 127.0.0.1 1 2\r\n",
      "PROXY TCP4 127.0.0.1 300.300.300.300 1 2\r\n", "PROXY TCP6 .: ::1 1 2\r\n", "PROXY TCP6 ::1 .::1 1 2\r\n"})
  void addressesThatAreNotLiteralsAreRefusedByShapeWithoutALookup(String header) {
    assertThatThrownBy(() -> read(header)).isInstanceOf(ProtocolException.class)
        .hasMessageContainingAll("bad", "address in version 1 header").hasMessageNotContaining("bad address in");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PROXY TCP4 255.255.255.255 0.0.0.0 65535 1\r\n", "PROXY TCP6 2001:db8::1 ::1 1 2\r\n",
      "PROXY TCP6 ::ffff:192.0.2.1 ::1 1 2\r\n"})
  void literalAddressesAreRead(String header) throws IOException {
    ProxyProtocol.Header h = read(header);
    assertThat(h.source().isUnresolved()).isFalse();
    assertThat(h.destination().getPort()).isPositive();
  }
}
