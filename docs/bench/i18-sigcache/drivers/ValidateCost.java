import dev.tlskit.*;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.KeyType;
import dev.tlskit.internal.trust.ChainValidator;
import java.io.ByteArrayInputStream;
import java.security.cert.*;
import java.time.Instant;
import java.util.*;

/** ChainValidator.validate CPU per call: a chain whose objects the JDK still caches, and one it has let go. */
public class ValidateCost {
  static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();
  public static void main(String[] a) throws Exception {
    int depth = Integer.parseInt(a[0]);
    HeldCertificate root = HeldCertificate.builder().commonName("bench root").keyType(KeyType.EC_P256).certificateAuthority().build();
    HeldCertificate issuer = depth == 3 ? HeldCertificate.intermediate("bench CA", root) : root;
    HeldCertificate leaf = HeldCertificate.builder().commonName("localhost").keyType(KeyType.EC_P256).signedBy(issuer).addDnsName("localhost").build();
    List<X509Certificate> chain = leaf.chain();
    ChainValidator v = new ChainValidator(TlsPolicy.builder().trust(Trust.anchors(root.certificate())).build());
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    byte[] der = leaf.certificate().getEncoded();
    StringBuilder out = new StringBuilder();
    for (int round = 0; round < 3; round++) {
      // steady: the JDK's cache holds the chain
      long cpu = 0; int n = 4000;
      for (int i = 0; i < n + n / 2; i++) {
        List<X509Certificate> p = parse(cf, chain);
        long t0 = MX.getCurrentThreadCpuTime();
        if (!v.validate(p, "localhost", ChainValidator.Purpose.SERVER, Map.of(), Instant.now()).trusted()) throw new AssertionError();
        if (i >= n / 2) cpu += MX.getCurrentThreadCpuTime() - t0;
      }
      double steady = cpu / 1000.0 / n;
      // flooded: 1000 other certificates parsed between two validations
      cpu = 0; n = 300;
      for (int i = 0; i < n + 30; i++) {
        for (int k = 0; k < 1000; k++) { byte[] d = der.clone(); d[d.length - 1] ^= (byte) (k + 1); d[d.length - 2] ^= (byte) ((k + 1) >>> 8); cf.generateCertificate(new ByteArrayInputStream(d)); }
        List<X509Certificate> p = parse(cf, chain);
        long t0 = MX.getCurrentThreadCpuTime();
        if (!v.validate(p, "localhost", ChainValidator.Purpose.SERVER, Map.of(), Instant.now()).trusted()) throw new AssertionError();
        if (i >= 30) cpu += MX.getCurrentThreadCpuTime() - t0;
      }
      out.append(String.format(Locale.ROOT, "%s depth %d round %d: validate, chain cached by the JDK %.2f us; after 1000 other certificates %.1f us%n",
          a[1], depth, round, steady, cpu / 1000.0 / n));
    }
    System.out.print(out);
  }
  static List<X509Certificate> parse(CertificateFactory cf, List<X509Certificate> chain) throws Exception {
    List<X509Certificate> out = new ArrayList<>();
    for (X509Certificate c : chain) out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(c.getEncoded())));
    return out;
  }
}
