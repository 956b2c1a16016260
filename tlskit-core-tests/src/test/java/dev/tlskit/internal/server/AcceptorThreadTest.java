package dev.tlskit.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.CertifiedKey;
import dev.tlskit.ServerCertificates;
import dev.tlskit.TlsServer;
import dev.tlskit.certs.HeldCertificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The accept loop blocks in accept() on a platform daemon thread: one system call per connection, where a virtual
 * thread added a failed attempt, a poller registration and a wake-up for each connection that arrived alone; and, as
 * a daemon, it does not keep the JVM alive.
 */
class AcceptorThreadTest {
  @Test
  void eachListenAddressIsAcceptedOnAPlatformDaemonThreadThatEndsAtShutdown() throws Exception {
    HeldCertificate leaf = HeldCertificate.leaf(HeldCertificate.root("Accept Root"), "localhost");
    TlsServer server = TlsServer.builder(c -> { }, ServerCertificates.of(CertifiedKey.of(leaf.privateKey(),
        leaf.chain()))).start();
    List<Thread> acceptors;
    try {
      // Thread.getAllStackTraces lists platform threads only.
      acceptors = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().equals("tlskit-accept-" + server.addresses().get(0))).toList();
      assertThat(acceptors).singleElement().satisfies(t -> {
        assertThat(t.isVirtual()).isFalse();
        assertThat(t.isDaemon()).isTrue();
      });
    } finally {
      server.shutdown(Duration.ofSeconds(1));
    }
    acceptors.get(0).join(5_000);
    assertThat(acceptors.get(0).isAlive()).as("accept loop after shutdown").isFalse();
  }
}
