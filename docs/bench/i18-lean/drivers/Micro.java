import dev.tlskit.*;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.certs.KeyType;
import dev.tlskit.internal.tls.SecurityInfos;
import java.lang.reflect.*;
import java.time.Duration;
import java.util.*;
import java.util.function.*;
import javax.net.ssl.*;

public class Micro {
  static volatile Object sink;
  public static void main(String[] a) throws Exception {
    var pki = BenchStacks.Pki.create(KeyType.EC_P256);
    TlsPolicy sp = TlsPolicy.builder().protocols("TLSv1.3").cipherSuites(List.of("TLS_AES_128_GCM_SHA256")).namedGroups(List.of("x25519")).build();
    TlsServer server = TlsServer.builder(c -> BenchStacks.serve(c.input(), c.output()),
        ServerCertificates.of(CertifiedKey.of(pki.leaf().privateKey(), pki.leaf().chain()))).policy(sp).start();
    TlsPolicy policy = TlsPolicy.builder().trust(Trust.anchors(pki.ca().certificate())).protocols("TLSv1.3")
        .cipherSuites(List.of("TLS_AES_128_GCM_SHA256")).namedGroups(List.of("x25519")).build();
    TlsClient client = TlsClient.builder().policy(policy).timeout(Duration.ofSeconds(30)).build();
    TlsConnection conn = client.connectTls("127.0.0.1", server.port(), "localhost");
    Field f = TlsConnection.class.getDeclaredField("socket"); f.setAccessible(true);
    SSLSocket ssl = (SSLSocket) f.get(conn);
    SecurityInfo info = conn.securityInfo();
    var facts = new SecurityInfos.Facts("localhost", true, false, false, null);
    Map<String, Supplier<Object>> cases = new LinkedHashMap<>();
    cases.put("SecurityInfos.describe", () -> SecurityInfos.describe(ssl, policy, true, facts, info.validation(), true));
    cases.put("getSession", () -> ssl.getSession());
    cases.put("peer+local chains", () -> { SSLSession s = ssl.getSession(); sink = SecurityInfos.chain(s, true); return SecurityInfos.chain(s, false); });
    cases.put("getApplicationProtocol", () -> ssl.getApplicationProtocol());
    cases.put("weakenings", () -> info.weakenings());
    cases.put("new SecurityInfo from values", () -> new SecurityInfo(info.protocol(), info.cipherSuite(), info.keyExchangeGroup(), info.signatureScheme(), info.peerKeyType(), info.peerKeyBits(), info.peerName(), info.sniSent(), info.alpn(), info.resumed(), info.peerChain(), info.localChain(), false, info.validation()));
    cases.put("new SNIHostName", () -> new SNIHostName("localhost"));
    cases.put("policy.sslParameters()", () -> policy.sslParameters());
    cases.put("ssl.getSSLParameters()", () -> ssl.getSSLParameters());
    cases.put("getSSLParameters+applyTo", () -> { SSLParameters p = ssl.getSSLParameters(); policy.applyTo(p); return p; });
    com.sun.management.ThreadMXBean tm = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 3; round++) {
      for (var e : cases.entrySet()) {
        int n = 200_000;
        long b0 = tm.getCurrentThreadAllocatedBytes(); long t0 = tm.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) sink = e.getValue().get();
        long t1 = tm.getCurrentThreadCpuTime(); long b1 = tm.getCurrentThreadAllocatedBytes();
        if (round == 2) System.out.printf(Locale.ROOT, "%-32s %8.0f ns %7d B%n", e.getKey(), (t1 - t0) / (double) n, (b1 - b0) / n);
      }
    }
    System.exit(0);
  }
}
