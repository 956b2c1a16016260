package dev.tlskit.nativetls;

import dev.tlskit.*;
import dev.tlskit.testing.AdapterPki;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeSigCountProbeTest {
  static void flood(java.security.cert.X509Certificate template) throws Exception {
    byte[] der = template.getEncoded();
    var cf = java.security.cert.CertificateFactory.getInstance("X.509", "SUN");
    for (int i = 0; i < 1000; i++) {
      byte[] d = der.clone();
      d[d.length - 1] ^= (byte) (i + 1);
      d[d.length - 2] ^= (byte) ((i + 1) >>> 8);
      cf.generateCertificate(new java.io.ByteArrayInputStream(d));
    }
  }

  @Test
  void probe() throws Exception {
    Class<?> cs = Class.forName("dev.tlskit.CountingSignatures");
    Method install = cs.getDeclaredMethod("install"); install.setAccessible(true);
    Method take = cs.getDeclaredMethod("take"); take.setAccessible(true);
    Method close = cs.getDeclaredMethod("close"); close.setAccessible(true);
    Object counter = install.invoke(null);
    try {
      for (String se : List.of("native", "jdk")) for (String ce : List.of("native", "jdk")) {
        TlsPolicy sp = se.equals("native") ? AdapterPki.TRUST_ROOT.toBuilder().provider(NativeTls.provider()).build() : AdapterPki.TRUST_ROOT;
        TlsPolicy cp = (ce.equals("native") ? AdapterPki.TRUST_ROOT.toBuilder().provider(NativeTls.provider()) : AdapterPki.TRUST_ROOT.toBuilder())
            .clientCertificate(AdapterPki.CLIENT.certifiedKey()).build();
        TlsServer server = NativeHandshakeTest.server(sp, AdapterPki.GOOD, b -> b.clientAuth(TlsServer.ClientAuth.NEED).authorizer(x -> true));
        try {
          for (int i = 0; i < 4; i++) {
            TlsClient client = TlsClient.builder().timeout(Duration.ofSeconds(10)).policy(cp).build();
            if (i == 3) flood(AdapterPki.GOOD.certificate());
            take.invoke(counter);
            SecurityInfo info = NativeHandshakeTest.echo(client, server.port());
            Thread.sleep(100);
            System.out.println("PROBE client " + ce + " server " + se + " mutual " + i + " resumed=" + info.resumed() + ": " + take.invoke(counter));
          }
        } finally {
          server.shutdown(Duration.ofSeconds(1));
        }
      }
    } finally { close.invoke(counter); }
  }
}
