import dev.tlskit.*;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.certs.KeyType;
import java.net.*;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.*;
import javax.net.ssl.*;

/** How long after its handler returns a TlsServer connection stays open (slot held) when the client neither reads nor closes. */
public class CloseHold {
  public static void main(String[] a) throws Exception {
    var pki = BenchStacks.Pki.create(KeyType.EC_P256);
    long[] handlerEnd = new long[1];
    BlockingQueue<Long> closedAt = new LinkedBlockingQueue<>();
    TlsServer server = TlsServer.builder(c -> { c.writeLine("bye"); handlerEnd[0] = System.nanoTime(); },
        ServerCertificates.of(CertifiedKey.of(pki.leaf().privateKey(), pki.leaf().chain())))
        .idleTimeout(Duration.ofSeconds(Integer.parseInt(a[0])))
        .listener(new ServerListener() { public void closed(ServerConnection c, Throwable e) { closedAt.add(System.nanoTime()); } }).start();
    KeyStore anchors = KeyStore.getInstance("PKCS12"); anchors.load(null, null); anchors.setCertificateEntry("ca", pki.ca().certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX"); tmf.init(anchors);
    SSLContext ctx = SSLContext.getInstance("TLS"); ctx.init(null, tmf.getTrustManagers(), null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("localhost", server.port());
    s.startHandshake();
    for (int b; (b = s.getInputStream().read()) != '\n'; ) { }
    // the client now neither reads nor closes
    Long at = closedAt.poll(30, TimeUnit.SECONDS);
    System.out.printf("idle timeout %s s: closed() %s ms after the handler returned; open right after closed(): %s (the slot is released just after it)%n",
        a[0], at == null ? "never (30 s)" : String.valueOf((at - handlerEnd[0]) / 1_000_000), server.metrics().connectionsOpen());
    s.close(); System.exit(0);
  }
}
