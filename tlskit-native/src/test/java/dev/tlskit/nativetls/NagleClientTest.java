package dev.tlskit.nativetls;

import static dev.tlskit.nativetls.NativeHandshakeTest.NATIVE;
import static dev.tlskit.testing.AdapterPki.GOOD;
import static dev.tlskit.testing.AdapterPki.ROOT;
import static dev.tlskit.testing.AdapterPki.TRUST_ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.ServerCertificates;
import dev.tlskit.TlsServer;
import dev.tlskit.testing.AdapterPki;
import java.io.IOException;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that leaves Nagle's algorithm on, as a raw JDK {@code SSLSocket} does, gets its TLS 1.3 handshakes with a
 * TlsServer at the machine's pace, on either engine: the server has its handshake records acknowledged as they come.
 * Without that, Linux delays the ACK of the client's change_cipher_spec (the server has just sent its flight), Nagle
 * holds the client's Finished until it comes, and every handshake waits for the delayed-ACK timer (35 to 48 ms each,
 * measured): 1,000 connections then take 30 s or more. The bound (20 s) is a correctness bound well below that; with
 * the quick ACKs 1,000 take about 4 s on a loaded 2-core machine.
 */
@EnabledOnOs(OS.LINUX) // TCP_QUICKACK; other kernels' delayed ACKs differ
class NagleClientTest {
  private static final int CONNECTIONS = 1_000;
  private static final long BOUND_NANOS = Duration.ofSeconds(20).toNanos();

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "native"})
  void aNagleClientsHandshakesWaitForNoDelayedAck(String provider) throws Exception {
    SSLSocketFactory jdk = AdapterPki.jdkTrusting(ROOT.certificate()).getSocketFactory();
    try (TlsServer server = TlsServer.builder(c -> {
          if (c.input().read() == 'P') {
            c.output().write('p');
            c.output().flush();
          }
        }, ServerCertificates.of(GOOD.certifiedKey()))
        .policy(provider.equals("native") ? NATIVE : TRUST_ROOT).listen("127.0.0.1", 0).start()) {
      long end = System.nanoTime() + BOUND_NANOS;
      int done = 0;
      while (done < CONNECTIONS && System.nanoTime() < end) {
        try (SSLSocket s = (SSLSocket) jdk.createSocket("127.0.0.1", server.port())) {
          assertThat(s.getTcpNoDelay()).as("the client leaves Nagle on").isFalse();
          s.setSoTimeout(30_000);
          s.getOutputStream().write('P');
          s.getOutputStream().flush();
          if (s.getInputStream().read() != 'p') throw new IOException("no reply on connection " + done);
        }
        done++;
      }
      assertThat(done).as("connections done within %d s", Duration.ofNanos(BOUND_NANOS).toSeconds())
          .isEqualTo(CONNECTIONS);
    }
  }
}
