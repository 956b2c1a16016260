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

  /**
   * Returns a client with a 30-second read timeout trusting {@code trust}, for tests that prove a failure comes at
   * once rather than from the timeout: finishing well before 30 s proves it.
   */
  public static TlsClient patientClient(SSLContext trust) {
    return TlsClient.builder().connectTimeout(Duration.ofSeconds(5)).readTimeout(PATIENT_READ_TIMEOUT)
        .dangerous().sslContext(trust).build();
  }

  /** The read timeout of {@link #patientClient}. */
  public static final Duration PATIENT_READ_TIMEOUT = Duration.ofSeconds(30);

  /** Something that must fail. */
  @FunctionalInterface
  public interface Failing {
    void run() throws Exception;
  }

  /**
   * Runs {@code call}, which must throw, and returns what it threw; it must have failed on what the server sent,
   * before a {@link #patientClient}'s read timeout could end it (no timing target beyond that).
   */
  public static Throwable failsAtOnce(Failing call) {
    long start = System.nanoTime();
    try {
      call.run();
    } catch (Exception e) {
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      if (took.compareTo(PATIENT_READ_TIMEOUT) >= 0 || e instanceof java.net.SocketTimeoutException) {
        throw new AssertionError("waited out the read timeout (" + took + ") instead of failing at once", e);
      }
      return e;
    }
    throw new AssertionError("expected a failure, but the call returned");
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
