package dev.tlskit.examples;

import dev.tlskit.ProtocolException;
import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Explicit TLS by hand: SMTP STARTTLS with {@code connectPlain} and {@code upgradeToTls}. */
public final class ExplicitUpgrade {
  private ExplicitUpgrade() {}

  /** Greets, upgrades with STARTTLS, greets again over TLS, quits, and returns the TLS details. */
  public static SecurityInfo starttls(String host, int port, Path caPem) throws IOException {
    // guide:explicit
    TlsClient client = TlsClient.builder()
        .policy(TlsPolicy.builder().trust(Trust.fromFile(caPem, null)).build())
        .build();
    try (TlsConnection c = client.connectPlain(host, port)) {
      reply(c, "220");                        // greeting
      command(c, "EHLO client.example");
      reply(c, "250");                        // plaintext capabilities: the attacker's, if there is one
      command(c, "STARTTLS");
      reply(c, "220");
      SecurityInfo info = c.upgradeToTls();   // INJECTION_DETECTED if the server sent anything after the 220
      command(c, "EHLO client.example");      // forget everything learned in plaintext, ask again
      reply(c, "250");
      command(c, "QUIT");
      return info;
    }
    // guide:end
  }

  // guide:explicit-helpers
  static void command(TlsConnection c, String line) throws IOException {
    c.output().write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    c.output().flush();
  }

  /** Reads one SMTP reply (all its lines) and fails unless it has the expected code. */
  static String reply(TlsConnection c, String code) throws IOException {
    String line;
    do {
      line = c.readLine(1000);
      if (!line.startsWith(code)) throw new ProtocolException("expected " + code + ", got: " + line);
    } while (line.length() > 3 && line.charAt(3) == '-');
    return line;
  }
  // guide:end

  public static void main(String[] args) throws IOException {
    System.out.println(starttls(args[0], Integer.parseInt(args[1]), Path.of(args[2])));
  }
}
