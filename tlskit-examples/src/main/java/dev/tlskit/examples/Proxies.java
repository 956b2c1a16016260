package dev.tlskit.examples;

import dev.tlskit.ProxyConfig;
import dev.tlskit.ProxyException;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A client that tunnels through a SOCKS5 or HTTP CONNECT proxy, with TLS end to end. */
public final class Proxies {
  private Proxies() {}

  /**
   * Connects to {@code host:port} through the proxy at {@code proxyUri} ({@code proxyPassword} null without
   * authentication), sends one line and returns the first line the server answers.
   */
  public static String hello(String proxyUri, char[] proxyPassword, String host, int port, Path caPem)
      throws IOException {
    // guide:proxy
    ProxyConfig proxy = ProxyConfig.parse(proxyUri, proxyPassword);   // socks5:// or http://, [user@]host:port
    TlsClient client = TlsClient.builder()
        .policy(TlsPolicy.builder().trust(Trust.fromFile(caPem, null)).build())
        .proxy(proxy)                     // every connection of this client, and of the protocol clients built on it
        .build();
    try (TlsConnection c = client.connectTls(host, port)) {   // the proxy resolves the name; TLS is end to end
      c.output().write("hello\r\n".getBytes(StandardCharsets.UTF_8));
      c.output().flush();
      return c.readLine(1000);
    } catch (ProxyException e) {          // the proxy answered but opened no tunnel: never a TLS verdict
      System.err.println(e.reason() + " (" + e.replyCode() + "): " + e.getMessage());   // no password in either
      throw e;
    }
    // guide:end
  }
}
