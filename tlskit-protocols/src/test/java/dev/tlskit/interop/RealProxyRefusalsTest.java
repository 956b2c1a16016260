package dev.tlskit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tlskit.ProxyConfig;
import dev.tlskit.ProxyException;
import dev.tlskit.ProxyException.Reason;
import dev.tlskit.TlsClient;
import dev.tlskit.ftp.testing.RealProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client sees when a real proxy (dante for SOCKS5, tinyproxy for HTTP CONNECT) answers but does not open the
 * tunnel: a {@link ProxyException} with the reason, the reply code, the proxy's status line quoted, and never the
 * password.
 */
class RealProxyRefusalsTest {
  @TempDir Path tmp;

  private static ProxyException refusal(ProxyConfig proxy, int port) {
    TlsClient client = TlsClient.builder().proxy(proxy).timeout(Duration.ofSeconds(10)).build();
    return catchThrowableOfType(ProxyException.class, () -> client.connectTls("127.0.0.1", port, "localhost"));
  }

  /** A port on which a server listens (it is never spoken to: every tunnel here is refused before). */
  private static ServerSocket listener() throws Exception {
    return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }

  @Test
  void danteRefusalsAreTypedWithTheSocksReplyCode() throws Exception {
    try (RealProxy dante = RealProxy.dante(Files.createDirectory(tmp.resolve("auth")), true);
        ServerSocket server = listener()) {
      char[] secret = dante.config().password();
      ProxyException e = refusal(dante.config().withCredentials(RealProxy.DANTE_USER, "wrong".toCharArray()),
          server.getLocalPort());
      assertThat(e.reason()).isEqualTo(Reason.AUTHENTICATION_FAILED);
      assertThat(e.getMessage()).contains("rejected the user name or password").doesNotContain("wrong");
      ProxyException none = refusal(ProxyConfig.socks5("127.0.0.1", dante.config().port()), server.getLocalPort());
      assertThat(none.reason()).isEqualTo(Reason.AUTHENTICATION_REQUIRED);
      assertThat(none.getMessage()).contains("needs a user and password");
      ProxyException blocked = refusal(dante.config(), RealProxy.DANTE_BLOCKED_PORT);
      assertThat(blocked.reason()).isEqualTo(Reason.NOT_ALLOWED);
      assertThat(blocked.replyCode()).isEqualTo("2");
      assertThat(blocked.getMessage()).contains("not allowed by ruleset").doesNotContain(new String(secret))
          .contains("socks5://" + RealProxy.DANTE_USER + "@127.0.0.1:" + dante.config().port());
      int closed = server.getLocalPort();
      server.close();
      ProxyException unreachable = refusal(dante.config(), closed);
      assertThat(unreachable.reason()).isEqualTo(Reason.TARGET_UNREACHABLE);
      assertThat(unreachable.target()).isEqualTo("127.0.0.1:" + closed);
      assertThat(dante.targets()).isEmpty(); // no tunnel was ever opened
    }
  }

  @Test
  void tinyproxyRefusalsQuoteItsStatusLine() throws Exception {
    try (RealProxy tiny = RealProxy.httpConnect(Files.createDirectory(tmp.resolve("auth")), "bob", "proxy-pw");
        ServerSocket server = listener()) {
      ProxyException none = refusal(ProxyConfig.httpConnect("127.0.0.1", tiny.config().port()),
          server.getLocalPort());
      assertThat(none.reason()).isEqualTo(Reason.AUTHENTICATION_REQUIRED);
      assertThat(none.replyCode()).isEqualTo("407");
      assertThat(none.getMessage()).contains("refused CONNECT 127.0.0.1:" + server.getLocalPort()
          + ": \"HTTP/1.0 407 Proxy Authentication Required\"");
      ProxyException wrong = refusal(tiny.config().withCredentials("bob", "not it".toCharArray()),
          server.getLocalPort());
      assertThat(wrong.reason()).isEqualTo(Reason.AUTHENTICATION_FAILED);
      assertThat(wrong.getMessage()).doesNotContain("not it").doesNotContain("proxy-pw");
    }
    try (RealProxy only = RealProxy.httpConnectOnlyTo(Files.createDirectory(tmp.resolve("ports")), 1);
        ServerSocket server = listener()) {
      ProxyException forbidden = refusal(only.config(), server.getLocalPort());
      assertThat(forbidden.reason()).isEqualTo(Reason.NOT_ALLOWED);
      assertThat(forbidden.replyCode()).isEqualTo("403");
      assertThat(forbidden.getMessage()).contains(": \"HTTP/1.1 403 Access violation\"");
    }
  }

  /** A server that greets first, as SMTP and FTP servers do, configured by mistake as a SOCKS5 proxy. */
  @Test
  void aServerThatIsNoProxyIsNamedAsSuch() throws Exception {
    try (ServerSocket smtp = listener(); ServerSocket server = listener()) {
      Thread.ofVirtual().start(() -> {
        try (var s = smtp.accept()) {
          s.getOutputStream().write("220 mail.example.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
          s.getInputStream().readAllBytes();
        } catch (IOException ignored) {
          // the client hung up
        }
      });
      ProxyException e = refusal(ProxyConfig.socks5("127.0.0.1", smtp.getLocalPort()), server.getLocalPort());
      assertThat(e.reason()).isEqualTo(Reason.NOT_A_PROXY);
      assertThat(e.getMessage()).contains("is not a SOCKS5 proxy: it answered \"22\"");
    }
  }
}
