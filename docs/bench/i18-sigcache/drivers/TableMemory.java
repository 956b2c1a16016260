import java.io.ByteArrayInputStream;
import java.security.cert.*;
import java.util.*;

/** Heap held by 1,024 parsed certificates (the JDK's objects, after the accessors validation calls) and their encodings. */
public class TableMemory {
  public static void main(String[] a) throws Exception {
    byte[] der = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(a[0]));
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<Object> keep = new ArrayList<>();
    long before = used();
    for (int i = 0; i < 1024; i++) {
      byte[] d = der.clone(); d[d.length - 1] ^= (byte) i; d[d.length - 2] ^= (byte) (i >>> 8) ; d[d.length - 3] ^= 0x55;
      X509Certificate c = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(d));
      c.getSubjectX500Principal(); c.getIssuerX500Principal(); c.getPublicKey(); c.getExtendedKeyUsage(); c.getKeyUsage();
      c.getSubjectAlternativeNames(); c.getBasicConstraints(); c.getNotAfter();
      keep.add(c); keep.add(c.getEncoded());
    }
    long after = used();
    System.out.printf("certificate DER %d B: 1024 parsed certificates + encodings hold %.0f KB (%.0f B each)%n", der.length, (after - before) / 1024.0, (after - before) / 1024.0);
    if (keep.size() < 0) System.out.println(keep);
  }
  static long used() { for (int i = 0; i < 3; i++) System.gc(); Runtime r = Runtime.getRuntime(); return r.totalMemory() - r.freeMemory(); }
}
