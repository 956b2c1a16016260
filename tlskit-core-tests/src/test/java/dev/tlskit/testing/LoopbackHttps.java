package dev.tlskit.testing;

import dev.tlskit.CertifiedKey;
import dev.tlskit.ServerCertificates;
import dev.tlskit.ServerConnection;
import dev.tlskit.TlsServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * A TlsKit server on loopback answering every HTTP/1.1 request with one line: the TLS version, suite, ALPN protocol
 * and client certificate subject it saw. Enough HTTP for a client library to complete a GET. Shared with the
 * adapters' tests (tlskit-okhttp, tlskit-httpclient5) through this module's test jar.
 */
public final class LoopbackHttps implements AutoCloseable {
  private final TlsServer server;

  private LoopbackHttps(TlsServer server) {
    this.server = server;
  }

  public static LoopbackHttps start(CertifiedKey key, UnaryOperator<TlsServer.Builder> options) throws IOException {
    TlsServer.Builder b = TlsServer.builder(LoopbackHttps::answer, ServerCertificates.of(key));
    return new LoopbackHttps(options.apply(b).start());
  }

  public static LoopbackHttps start(CertifiedKey key) throws IOException {
    return start(key, b -> b);
  }

  private static void answer(ServerConnection c) throws IOException {
    while (!c.readLine(8192).isEmpty()) {
      // request line and headers; a GET has no body
    }
    var info = c.securityInfo();
    String body = info.protocol() + " " + info.cipherSuite() + " alpn=" + c.applicationProtocol().orElse("-")
        + " client=" + c.peerIdentity().map(p -> p.subject()).orElse("-");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    c.output().write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + bytes.length
        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    c.output().write(bytes);
    c.output().flush();
  }

  /** Returns the URL of the server's root under {@code host}. */
  public String url(String host) {
    return "https://" + host + ":" + server.port() + "/";
  }

  @Override
  public void close() {
    server.close();
  }
}
