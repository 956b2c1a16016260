package dev.tlskit.examples;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** Implicit TLS: TLS from the first byte, the server verified against a private CA. */
public final class ImplicitTls {
  private ImplicitTls() {}

  /** Connects, prints the security info, sends one line and returns the first line the server answers. */
  public static String hello(String host, int port, Path caPem) throws IOException {
    // guide:implicit
    TlsPolicy policy = TlsPolicy.builder().trust(Trust.fromFile(caPem, null)).build();   // default: system roots
    TlsClient client = TlsClient.builder().policy(policy).timeout(Duration.ofSeconds(10)).build();
    try (TlsConnection c = client.connectTls(host, port)) {     // handshake done, certificate and name verified
      System.out.println(c.securityInfo());                     // protocol, suite, chain, validation report
      c.output().write("hello\r\n".getBytes(StandardCharsets.UTF_8));
      c.output().flush();
      return c.readLine(1000);                                  // a longer line is a ProtocolException
    }
    // guide:end
  }

  public static void main(String[] args) throws IOException {
    System.out.println(hello(args[0], Integer.parseInt(args[1]), Path.of(args[2])));
  }
}
