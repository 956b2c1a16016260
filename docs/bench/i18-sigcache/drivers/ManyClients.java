package dev.tlskit;

import dev.tlskit.certs.HeldCertificate;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A TlsServer that needs a client certificate, met by N distinct clients taking turns (each client a leaf of one CA
 * the server trusts; full handshakes, resumption off), all in this process. Per round of N handshakes: ECDSA
 * verifications counted by CountingSignatures (both ends: the server judging the client's chain, the client judging
 * the server's, both CertificateVerify messages) and process CPU. Usage: ManyClients N ROUNDS.
 */
public final class ManyClients {
  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]);
    int rounds = Integer.parseInt(a[1]);
    HeldCertificate root = HeldCertificate.root("Many Root");
    HeldCertificate serverLeaf = HeldCertificate.leaf(root, "localhost");
    TlsPolicy trust = TlsPolicy.builder().trust(Trust.anchors(root.certificate())).build();
    List<TlsClient> clients = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      HeldCertificate c = HeldCertificate.leaf(root, "client" + i + ".example");
      clients.add(TlsClient.builder().timeout(Duration.ofSeconds(10))
          .policy(trust.toBuilder().clientCertificate(c.certifiedKey()).build()).build());
    }
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (CountingSignatures counter = CountingSignatures.install();
        TlsServer server = TlsServer.builder(c -> c.writeLine("hi"), ServerCertificates.of(serverLeaf.certifiedKey()))
            .policy(trust).listen("127.0.0.1", 0).clientAuth(TlsServer.ClientAuth.NEED).authorizer(x -> true)
            .sessionResumption(false).drainTimeout(Duration.ofSeconds(1)).start()) {
      for (int r = 0; r < rounds; r++) {
        counter.take();
        long cpu0 = os.getProcessCpuTime();
        for (TlsClient client : clients) {
          try (TlsConnection c = client.connectTls("127.0.0.1", server.port(), "localhost")) {
            if (!"hi".equals(c.readLine(10)) || c.securityInfo().resumed()) throw new AssertionError();
          }
        }
        long cpu = os.getProcessCpuTime() - cpu0;
        System.out.printf(Locale.ROOT, "round %d: %d clients taking turns: %.2f ECDSA verifications and %.3f ms CPU per full handshake%n",
            r, n, counter.take() / (double) n, cpu / 1e6 / n);
      }
    }
    System.exit(0);
  }
}
