import dev.tlskit.*;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.KeyType;
import dev.tlskit.internal.trust.ChainValidator;
import java.io.ByteArrayInputStream;
import java.security.*;
import java.security.cert.*;
import java.time.Instant;
import java.util.*;

public class SigCost {
  public static void main(String[] a) throws Exception {
    String type = a.length > 0 ? a[0] : "EC";
    HeldCertificate ca = HeldCertificate.builder().commonName("tlskit bench CA").keyType(KeyType.valueOf(type)).certificateAuthority().build();
    HeldCertificate leaf = HeldCertificate.builder().commonName("localhost").keyType(KeyType.valueOf(type)).signedBy(ca).addDnsName("localhost").addIpAddress("127.0.0.1").build();
    X509Certificate L = leaf.certificate(), C = ca.certificate();
    byte[] der = L.getEncoded(); PublicKey key = C.getPublicKey(); byte[] kenc = key.getEncoded();
    System.out.println(type + " leaf DER " + der.length + " B, CA key " + kenc.length + " B, sig " + L.getSigAlgName());
    ChainValidator v = new ChainValidator(TlsPolicy.builder().trust(Trust.anchors(C)).build());
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    for (int round = 0; round < 3; round++) {
      System.out.printf("round %d: validate (chain seen) %.1f us; parse+verify (fresh object) %.1f us; parse (cached) %.2f us; verify (memo hit) %.2f us; sha256(der+key) %.2f us%n", round,
        time(20000, () -> { if (!v.validate(List.of(L), "localhost", ChainValidator.Purpose.SERVER, Map.of(), Instant.now()).trusted()) throw new AssertionError(); }),
        time(3000, () -> { Signature s = Signature.getInstance(L.getSigAlgName()); s.initVerify(key); s.update(L.getTBSCertificate()); if (!s.verify(L.getSignature())) throw new AssertionError(); }),
        time(50000, () -> cf.generateCertificate(new ByteArrayInputStream(der))),
        time(50000, () -> L.verify(key)),
        time(50000, () -> { MessageDigest d = MessageDigest.getInstance("SHA-256"); d.update(der); d.update(kenc); d.digest(); }));
    }
  }
  interface R { void run() throws Exception; }
  static double time(int n, R r) throws Exception {
    for (int i = 0; i < n / 4; i++) r.run();
    var mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long t0 = mx.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) r.run();
    return (mx.getCurrentThreadCpuTime() - t0) / 1000.0 / n;
  }
}
