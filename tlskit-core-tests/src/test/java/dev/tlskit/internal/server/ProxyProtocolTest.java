package dev.tlskit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProxyProtocolTest {
  static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  static byte[] v2(int verCmd, int family, byte... body) {
    byte[] out = new byte[16 + body.length];
    System.arraycopy(ProxyProtocol.V2_SIGNATURE, 0, out, 0, 12);
    out[12] = (byte) verCmd;
    out[13] = (byte) family;
    out[14] = (byte) (body.length >> 8);
    out[15] = (byte) body.length;
    System.arraycopy(body, 0, out, 16, body.length);
    return out;
  }

  @Test
  void version1ReadsExactlyTheHeaderAndNothingAfterIt() throws IOException {
    InputStream in = bytes("PROXY TCP4 203.0.113.5 10.0.0.1 51000 443\r\n\u0016\u0003\u0001");
    ProxyProtocol.Header h = ProxyProtocol.read(in);
    assertThat(h.source()).isEqualTo(new InetSocketAddress("203.0.113.5", 51000));
    assertThat(h.destination()).isEqualTo(new InetSocketAddress("10.0.0.1", 443));
    assertThat(in.read()).as("the TLS record that follows is untouched").isEqualTo(0x16);
  }

  @Test
  void unknownAndLocalKeepTheRealPeer() throws IOException {
    assertThat(ProxyProtocol.read(bytes("PROXY UNKNOWN\r\n")).source()).isNull();
    assertThat(ProxyProtocol.read(new ByteArrayInputStream(v2(0x20, 0x00))).source()).isNull();
  }

  @Test
  void version2Ipv6() throws IOException {
    byte[] body = new byte[36];
    body[0] = 0x20;
    body[1] = 0x01;
    body[2] = 0x0d;
    body[3] = (byte) 0xb8;
    body[15] = 9;
    body[31] = 1;
    body[32] = (byte) 0xC3;
    body[33] = 0x50;
    body[35] = 25;
    ProxyProtocol.Header h = ProxyProtocol.read(new ByteArrayInputStream(v2(0x21, 0x21, body)));
    assertThat(h.source().getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:9");
    assertThat(h.source().getPort()).isEqualTo(50000);
    assertThat(h.destination().getPort()).isEqualTo(25);
  }

  @Test
  void malformedHeadersAreTypedErrors() {
    assertThatThrownBy(() -> ProxyProtocol.read(bytes("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n")))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("CRLF");
    assertThatThrownBy(() -> ProxyProtocol.read(bytes("PROXY TCP4 1.2.3.4 5.6.7.8 1 99999\r\n")))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("bad port");
    assertThatThrownBy(() -> ProxyProtocol.read(bytes("PROXY TCP4 example.com 5.6.7.8 1 2\r\n")))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("IPv4");
    assertThatThrownBy(() -> ProxyProtocol.read(bytes("PROXY TCP4 1.2.3.4\r\n")))
        .isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> ProxyProtocol.read(new ByteArrayInputStream(v2(0x31, 0x11))))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("version 3");
    assertThatThrownBy(() -> ProxyProtocol.read(new ByteArrayInputStream(v2(0x21, 0x11, new byte[4]))))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("too short");
    byte[] huge = v2(0x21, 0x11);
    huge[14] = 0x10; // announces 4096 body bytes
    assertThatThrownBy(() -> ProxyProtocol.read(new ByteArrayInputStream(huge)))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("exceeds");
    assertThatThrownBy(() -> ProxyProtocol.read(bytes("PROXY TCP4 1.2.3.4 5.")))
        .isInstanceOf(EOFException.class);
  }
}
