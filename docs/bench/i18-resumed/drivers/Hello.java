import dev.tlskit.*;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.certs.KeyType;
import java.io.*;
import java.net.*;
import java.security.KeyStore;
import java.time.Duration;
import java.util.*;
import javax.net.ssl.*;

public class Hello {
  public static void main(String[] a) throws Exception {
    var pki = BenchStacks.Pki.create(KeyType.EC_P256);
    ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    // TlsKit client as BenchStacks builds it
    TlsPolicy policy = TlsPolicy.builder().trust(Trust.anchors(pki.ca().certificate())).protocols("TLSv1.3")
        .cipherSuites(List.of("TLS_AES_128_GCM_SHA256")).namedGroups(List.of("x25519")).build();
    TlsClient client = TlsClient.builder().policy(policy).timeout(Duration.ofSeconds(5)).build();
    Thread t = Thread.ofPlatform().start(() -> { try { client.connectTls("127.0.0.1", ss.getLocalPort(), "localhost"); } catch (Exception e) {} });
    dump("tlskit", ss.accept());
    // raw client
    KeyStore anchors = KeyStore.getInstance("PKCS12"); anchors.load(null, null);
    anchors.setCertificateEntry("ca", pki.ca().certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX"); tmf.init(anchors);
    SSLContext ctx = SSLContext.getInstance("TLS", "SunJSSE"); ctx.init(null, tmf.getTrustManagers(), null);
    SSLParameters p = new SSLParameters(new String[] {"TLS_AES_128_GCM_SHA256"}, new String[] {"TLSv1.3"});
    p.setNamedGroups(new String[] {"x25519"}); p.setEndpointIdentificationAlgorithm("HTTPS");
    p.setServerNames(List.of(new SNIHostName("localhost")));
    Thread.ofPlatform().start(() -> { try { SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(); s.setSSLParameters(p);
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort())); s.startHandshake(); } catch (Exception e) {} });
    dump("jdk", ss.accept());
    System.exit(0);
  }
  static void dump(String who, Socket s) throws Exception {
    DataInputStream in = new DataInputStream(s.getInputStream());
    byte[] h = new byte[5]; in.readFully(h);
    int len = ((h[3] & 0xff) << 8) | (h[4] & 0xff);
    byte[] b = new byte[len]; in.readFully(b);
    // handshake: type(1) len(3) version(2) random(32) sid(1+n) suites(2+n) comp(1+n) ext(2+n)
    int i = 4 + 2 + 32; i += 1 + (b[i] & 0xff);
    int sl = ((b[i] & 0xff) << 8) | (b[i+1] & 0xff); i += 2 + sl;
    i += 1 + (b[i] & 0xff);
    int el = ((b[i] & 0xff) << 8) | (b[i+1] & 0xff); i += 2;
    int end = i + el;
    StringBuilder sb = new StringBuilder(who + " ClientHello " + len + " bytes, suites " + sl / 2 + ", extensions:");
    while (i < end) {
      int type = ((b[i] & 0xff) << 8) | (b[i+1] & 0xff); int l = ((b[i+2] & 0xff) << 8) | (b[i+3] & 0xff);
      sb.append(' ').append(type).append('(').append(l).append(')');
      i += 4 + l;
    }
    System.out.println(sb);
    s.close();
  }
}
