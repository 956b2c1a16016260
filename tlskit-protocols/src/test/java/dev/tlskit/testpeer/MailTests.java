package dev.tlskit.testpeer;

import dev.tlskit.TlsClient;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** Clients the mail tests share: short timeouts, trust as asked. */
public final class MailTests {
  private MailTests() {}

  /** Returns a client with 5-second timeouts and the JDK's default trust (enough for plaintext transcripts). */
  public static TlsClient plainClient() {
    return TlsClient.builder().connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5)).build();
  }

  /** Returns a client with 5-second timeouts whose TLS context is {@code trust} (a test server's own CA). */
  public static TlsClient client(SSLContext trust) {
    return TlsClient.builder().connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5))
        .dangerous().sslContext(trust).build();
  }

  /** Returns {@code client} with {@link dev.tlskit.TlsMode#OPPORTUNISTIC} allowed, as its tests must. */
  public static TlsClient allowingOpportunistic(TlsClient client) {
    return client.toBuilder().dangerous().allowOpportunisticTls().build();
  }
}
