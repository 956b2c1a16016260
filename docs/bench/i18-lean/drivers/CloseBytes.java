import dev.tlskit.*;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.certs.KeyType;
import java.lang.reflect.*;
import java.time.Duration;
import java.util.*;
import javax.net.ssl.*;

public class CloseBytes {
  public static void main(String[] a) throws Exception {
    var pki = BenchStacks.Pki.create(KeyType.EC_P256);
    TlsPolicy sp = TlsPolicy.builder().protocols("TLSv1.3").build();
    TlsServer server = TlsServer.builder(c -> { c.input().read(); },
        ServerCertificates.of(CertifiedKey.of(pki.leaf().privateKey(), pki.leaf().chain()))).policy(sp).start();
    TlsPolicy policy = TlsPolicy.builder().trust(Trust.anchors(pki.ca().certificate())).build();
    TlsClient client = TlsClient.builder().policy(policy).timeout(Duration.ofSeconds(30)).build();
    Field f = TlsConnection.class.getDeclaredField("socket"); f.setAccessible(true);
    for (int mode = 0; mode < 3; mode++) {
      TlsConnection c = client.connectTls("127.0.0.1", server.port(), "localhost");
      SSLSocket ssl = (SSLSocket) f.get(c);
      long b = c.bytesSent();
      System.out.print("mode " + mode + " alpn=[" + ssl.getApplicationProtocol() + "] class " + ssl.getClass().getName());
      if (mode == 0) c.close();
      else if (mode == 1) { ssl.shutdownOutput(); System.out.print(" after shutdownOutput +" + (c.bytesSent() - b)); ssl.close(); }
      else ssl.close();
      System.out.println(" total +" + (c.bytesSent() - b));
    }
    System.exit(0);
  }
}
