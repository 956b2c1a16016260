package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.certs.HeldCertificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** A server without resumption leaves the JVM-wide ticket property as it found it, even when servers start at once. */
class ServerContextPropertyTest {
  static final String PROPERTY = "jdk.tls.server.enableSessionTicketExtension";

  @Test
  void serversStartedTogetherRestoreTheTicketPropertyAndKeepTheirOwnResumptionSetting() throws Exception {
    HeldCertificate root = HeldCertificate.root("Property Root");
    HeldCertificate leaf = HeldCertificate.leaf(root, "localhost");
    ServerCertificates certs = ServerCertificates.of(CertifiedKey.of(leaf.privateKey(), leaf.chain()));
    String before = System.getProperty(PROPERTY);
    List<TlsServer> servers = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<TlsServer>> started = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        boolean resumption = i % 2 == 0;
        Callable<TlsServer> start = () -> TlsServer.builder(c -> c.writeLine("hi"), certs)
            .sessionResumption(resumption).drainTimeout(Duration.ofMillis(100)).start();
        started.add(pool.submit(start));
      }
      for (Future<TlsServer> f : started) servers.add(f.get());
    }
    try {
      assertThat(System.getProperty(PROPERTY)).isEqualTo(before);
      TlsClient client = TlsClient.builder().timeout(Duration.ofSeconds(10)).policy(TlsPolicy.MODERN.toBuilder()
          .trust(Trust.anchors(List.of(root.certificate()))).build()).build();
      for (int i = 0; i < servers.size(); i++) {
        boolean second = false;
        for (int round = 0; round < 2; round++) {
          try (TlsConnection c = client.connectTls("127.0.0.1", servers.get(i).port(), "localhost")) {
            assertThat(c.readLine(10)).isEqualTo("hi");
            second = c.securityInfo().resumed();
          }
        }
        assertThat(second).as("server %d (resumption %s) resumed the second connection", i, i % 2 == 0)
            .isEqualTo(i % 2 == 0);
      }
    } finally {
      servers.forEach(TlsServer::close);
    }
  }
}
