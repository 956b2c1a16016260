import dev.tlskit.*;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.certs.KeyType;
import dev.tlskit.internal.trust.ReportingTrustManager;
import java.time.Duration;
import java.util.*;

public class ResumedReport {
  public static void main(String[] a) throws Exception {
    var pki = BenchStacks.Pki.create(KeyType.EC_P256);
    TlsPolicy sp = TlsPolicy.builder().protocols("TLSv1.3").cipherSuites(List.of("TLS_AES_128_GCM_SHA256")).namedGroups(List.of("x25519")).build();
    TlsServer server = TlsServer.builder(c -> BenchStacks.serve(c.input(), c.output()),
        ServerCertificates.of(CertifiedKey.of(pki.leaf().privateKey(), pki.leaf().chain()))).policy(sp).start();
    TlsPolicy policy = TlsPolicy.builder().trust(Trust.anchors(pki.ca().certificate())).protocols("TLSv1.3")
        .cipherSuites(List.of("TLS_AES_128_GCM_SHA256")).namedGroups(List.of("x25519")).build();
    TlsClient client = TlsClient.builder().policy(policy).timeout(Duration.ofSeconds(30)).build();
    for (int i = 0; i < 3; i++) {
      try (TlsConnection c = client.connectTls("127.0.0.1", server.port(), "localhost")) {
        c.output().write('P'); c.output().flush(); c.input().read();
        System.out.println("resumed " + c.securityInfo().resumed() + " reportOf(session) " + (ReportingTrustManager.reportOf(c.sslSession()) != null)
            + " report " + System.identityHashCode(c.securityInfo().validation()) + " session " + System.identityHashCode(c.sslSession()));
      }
    }
    System.exit(0);
  }
}
