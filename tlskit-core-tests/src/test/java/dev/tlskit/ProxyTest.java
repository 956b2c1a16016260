package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** TLS and plaintext connections tunnelled through SOCKS5 and HTTP CONNECT proxies, with and without auth. */
class ProxyTest {
  static TlsClient through(ProxyConfig proxy) {
    return TlsClient.builder().policy(CertificateValidationTest.TRUST_ROOT).proxy(proxy)
        .timeout(Duration.ofSeconds(10)).build();
  }

  static void echoes(TlsConnection c) throws Exception {
    c.output().write("through the tunnel\n".getBytes(StandardCharsets.US_ASCII));
    c.output().flush();
    assertThat(c.readLine(100)).isEqualTo("through the tunnel");
  }

  @Test
  void tlsThroughSocks5LetsTheProxyResolveTheName() throws Exception {
    try (LoopbackTlsPeer server = LoopbackTlsPeer.echo(ConnectionTest.LEAF.certifiedKey());
        TestProxy proxy = new TestProxy(true, null, null);
        TlsConnection c = through(ProxyConfig.socks5("127.0.0.1", proxy.port()))
            .connectTls("localhost", server.port())) {
      echoes(c);
      assertThat(c.securityInfo().validation().trusted()).isTrue();
      assertThat(proxy.targets).containsExactly("localhost:" + server.port());
    }
  }

  @Test
  void tlsThroughSocks5WithPassword() throws Exception {
    try (LoopbackTlsPeer server = LoopbackTlsPeer.echo(ConnectionTest.LEAF.certifiedKey());
        TestProxy proxy = new TestProxy(true, "u", "p")) {
      ProxyConfig good = ProxyConfig.socks5("127.0.0.1", proxy.port()).withCredentials("u", "p".toCharArray());
      try (TlsConnection c = through(good).connectTls("127.0.0.1", server.port(), "localhost")) {
        echoes(c);
      }
      ProxyConfig bad = ProxyConfig.socks5("127.0.0.1", proxy.port()).withCredentials("u", "x".toCharArray());
      assertThatThrownBy(() -> through(bad).connectTls("127.0.0.1", server.port(), "localhost"))
          .isInstanceOf(ProxyException.class).hasMessageContaining("rejected the user name or password")
          .extracting(e -> ((ProxyException) e).reason()).isEqualTo(ProxyException.Reason.AUTHENTICATION_FAILED);
      assertThatThrownBy(() -> through(ProxyConfig.socks5("127.0.0.1", proxy.port()))
          .connectTls("127.0.0.1", server.port(), "localhost"))
          .isInstanceOf(ProxyException.class).hasMessageContaining("authentication")
          .extracting(e -> ((ProxyException) e).reason()).isEqualTo(ProxyException.Reason.AUTHENTICATION_REQUIRED);
    }
  }

  @Test
  void tlsAndStarttlsThroughHttpConnectWithBasicAuth() throws Exception {
    try (LoopbackTlsPeer implicit = LoopbackTlsPeer.echo(ConnectionTest.LEAF.certifiedKey());
        LoopbackTlsPeer explicit = LoopbackTlsPeer.builder(ConnectionTest.LEAF.certifiedKey()).starttls().build();
        TestProxy proxy = new TestProxy(false, "user", "pw")) {
      ProxyConfig cfg = ProxyConfig.parse("http://user@127.0.0.1:" + proxy.port(), "pw".toCharArray());
      try (TlsConnection c = through(cfg).connectTls("localhost", implicit.port())) {
        echoes(c);
      }
      try (TlsConnection c = through(cfg).connectPlain("localhost", explicit.port())) {
        assertThat(c.readLine(100)).isEqualTo("* OK plaintext greeting");
        c.output().write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
        c.output().flush();
        c.readLine(100);
        c.upgradeToTls();
        echoes(c);
      }
      assertThat(proxy.targets).containsExactly("localhost:" + implicit.port(), "localhost:" + explicit.port());
      ProxyConfig noAuth = ProxyConfig.httpConnect("127.0.0.1", proxy.port());
      assertThatThrownBy(() -> through(noAuth).connectTls("localhost", implicit.port()))
          .isInstanceOf(ProxyException.class).hasMessageContaining("\"HTTP/1.1 407 ")
          .extracting(e -> ((ProxyException) e).replyCode()).isEqualTo("407");
    }
  }

  @Test
  void proxyUriParsingRefusesPasswordsInTheUri() {
    assertThatThrownBy(() -> ProxyConfig.parse("ftp://u:secret@h:21", null)).hasMessageNotContaining("secret")
        .hasMessageContaining("ftp://u:***@h:21");
    assertThatThrownBy(() -> ProxyConfig.parse("socks5://u:sec ret@h:1080", null))
        .hasMessageNotContaining("sec ret");
    assertThatThrownBy(() -> ProxyConfig.parse("socks5://u:secret@h:1080", null)).hasMessageNotContaining("secret")
        .hasMessageContaining("environment variable");
    assertThat(ProxyConfig.parse("socks5://h:1080", null).type()).isEqualTo(ProxyConfig.Type.SOCKS5);
    assertThatThrownBy(() -> ProxyConfig.parse("ftp://h:21", null)).hasMessageContaining("socks5://");
  }

  /**
   * Answers one connection with {@code reply} after reading the client's first bytes, and returns what the client
   * gets: a hostile or broken proxy, which no real proxy can be made to be.
   */
  private static ProxyException replyOnce(ProxyConfig.Type type, byte[] reply) throws Exception {
    try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (java.net.Socket s = server.accept()) {
          s.getInputStream().read(new byte[512]);
          s.getOutputStream().write(reply);
          s.getOutputStream().flush();
          s.getInputStream().read(new byte[512]);
        } catch (java.io.IOException ignored) {
          // the client hung up
        }
      });
      ProxyConfig proxy = type == ProxyConfig.Type.SOCKS5 ? ProxyConfig.socks5("127.0.0.1", server.getLocalPort())
          : ProxyConfig.httpConnect("127.0.0.1", server.getLocalPort());
      return org.assertj.core.api.Assertions.catchThrowableOfType(ProxyException.class,
          () -> through(proxy).connectTls("example.test", 443));
    }
  }

  @Test
  void proxyRefusalsAreTypedAndTheirStatusLineIsQuotedAsPeerText() throws Exception {
    ProxyException gateway = replyOnce(ProxyConfig.Type.HTTP_CONNECT,
        "HTTP/1.1 502 Bad\u001b[2J Gateway\r\nX: y\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThat(gateway.reason()).isEqualTo(ProxyException.Reason.TARGET_UNREACHABLE);
    assertThat(gateway.replyCode()).isEqualTo("502");
    assertThat(gateway.target()).isEqualTo("example.test:443");
    assertThat(gateway.getMessage()).endsWith("refused CONNECT example.test:443: \"HTTP/1.1 502 Bad\\x1b[2J Gateway\"")
        .doesNotContain("\u001b");
    assertThat(replyOnce(ProxyConfig.Type.HTTP_CONNECT, "HTTP/1.0 504 Timeout\r\n\r\n".getBytes(
        StandardCharsets.US_ASCII)).reason()).isEqualTo(ProxyException.Reason.TARGET_UNREACHABLE);
    assertThat(replyOnce(ProxyConfig.Type.HTTP_CONNECT, "HTTP/1.1 429 Slow down\r\n\r\n".getBytes(
        StandardCharsets.US_ASCII)).reason()).isEqualTo(ProxyException.Reason.REFUSED);
    ProxyException notHttp = replyOnce(ProxyConfig.Type.HTTP_CONNECT,
        "SSH-2.0-OpenSSH_9.2\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(notHttp.reason()).isEqualTo(ProxyException.Reason.NOT_A_PROXY);
    assertThat(notHttp.getMessage()).contains("did not answer CONNECT in HTTP: \"SSH-2.0-OpenSSH_9.2\"");
    // SOCKS5: method "none" chosen, then reply 8 (address type not supported) and 7 (command not supported)
    for (int code : new int[] {7, 8, 1}) {
      ProxyException e = replyOnce(ProxyConfig.Type.SOCKS5, new byte[] {5, 0, 5, (byte) code, 0, 1, 0, 0, 0, 0, 0, 0});
      assertThat(e.reason()).as("reply %d", code).isEqualTo(ProxyException.Reason.REFUSED);
      assertThat(e.replyCode()).isEqualTo(Integer.toString(code));
    }
  }
}
