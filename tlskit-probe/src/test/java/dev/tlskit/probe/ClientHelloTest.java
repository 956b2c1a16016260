package dev.tlskit.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.certs.HeldCertificate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Probe ClientHellos fed to the JDK's own TLS server (an SSLEngine, no network), and its answers read back with
 * {@link FlightReader}: the writer and the reader agree with an independent TLS implementation.
 */
class ClientHelloTest {
  static SSLContext server;
  static HeldCertificate leaf;

  @BeforeAll
  static void context() throws Exception {
    HeldCertificate root = HeldCertificate.root("Hello Test Root");
    leaf = HeldCertificate.leaf(root, "localhost");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("leaf", leaf.privateKey(), "pw".toCharArray(), leaf.chain().toArray(X509Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(ks, "pw".toCharArray());
    server = SSLContext.getInstance("TLS");
    server.init(kmf.getKeyManagers(), null, null);
  }

  /** Feeds {@code hello} to a JDK server engine and returns everything it sends back. */
  private static byte[] answer(ClientHello hello) throws Exception {
    SSLEngine e = server.createSSLEngine();
    e.setUseClientMode(false);
    ByteBuffer in = ByteBuffer.wrap(hello.encode());
    ByteBuffer app = ByteBuffer.allocate(e.getSession().getApplicationBufferSize());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean refused = false;
    try {
      e.unwrap(in, app);
    } catch (SSLException x) {
      refused = true; // the engine now has an alert to send
    }
    for (int i = 0; i < 20; i++) {
      HandshakeStatus hs = e.getHandshakeStatus();
      if (hs == HandshakeStatus.NEED_TASK) {
        for (Runnable t; (t = e.getDelegatedTask()) != null; ) t.run();
      } else if (hs == HandshakeStatus.NEED_WRAP || refused) {
        ByteBuffer net = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
        boolean threw = false;
        try {
          e.wrap(ByteBuffer.allocate(0), net);
        } catch (SSLException x) {
          threw = refused = true; // the next wrap produces the alert
        }
        net.flip();
        byte[] b = new byte[net.remaining()];
        net.get(b);
        out.writeBytes(b);
        if (b.length == 0 && !threw) break;
      } else {
        break;
      }
    }
    return out.toByteArray();
  }

  private static ServerFlight read(byte[] bytes, boolean wholeFlight) throws Exception {
    return new FlightReader(new ByteArrayInputStream(bytes), wholeFlight).read();
  }

  @Test
  void tls12HelloGetsAServerHelloWithTheFirstSuiteTheJdkSupportsAndTheWholeFlight() throws Exception {
    List<CipherSuite> suites = List.of(CipherSuite.of(0xC02C), CipherSuite.of(0xC02B));
    ServerFlight f = read(answer(new ClientHello(TlsVersion.TLS_1_2, suites, NamedGroup.all(), "localhost",
        List.of(), false)), true);

    assertThat(f.kind()).isEqualTo(ServerFlight.Kind.SERVER_HELLO);
    assertThat(f.version()).isEqualTo(TlsVersion.TLS_1_2);
    assertThat(suites).contains(f.suite());
    assertThat(f.chain()).containsExactlyElementsOf(leaf.chain());
    assertThat(f.group()).isNotNull();
    assertThat(f.secureRenegotiation()).isTrue();
    assertThat(f.extendedMasterSecret()).isTrue();
  }

  @Test
  void tls13HelloWithoutKeyShareGetsAHelloRetryRequestNamingTheGroup() throws Exception {
    ServerFlight f = read(answer(new ClientHello(TlsVersion.TLS_1_3, List.of(CipherSuite.of(0x1302)),
        List.of(NamedGroup.of(0x0018)), "localhost", List.of(), false)), false);

    assertThat(f.kind()).isEqualTo(ServerFlight.Kind.HELLO_RETRY_REQUEST);
    assertThat(f.version()).isEqualTo(TlsVersion.TLS_1_3);
    assertThat(f.suite().name()).isEqualTo("TLS_AES_256_GCM_SHA384");
    assertThat(f.group().name()).isEqualTo("secp384r1");
  }

  @Test
  void helloWithOnlySuitesTheServerLacksGetsAHandshakeFailureAlert() throws Exception {
    ServerFlight f = read(answer(new ClientHello(TlsVersion.TLS_1_2, List.of(CipherSuite.of(0x0004)),
        NamedGroup.all(), null, List.of(), false)), false);

    assertThat(f.kind()).isEqualTo(ServerFlight.Kind.ALERT);
    assertThat(f.accepted()).isFalse();
    assertThat(f.refusal()).isEqualTo("alert handshake_failure (40)");
  }

  @Test
  void tls13HelloCarriesOnlyVersion13AndAnEmptyKeyShare() {
    byte[] b = new ClientHello(TlsVersion.TLS_1_3, CipherSuite.forVersion(TlsVersion.TLS_1_3), NamedGroup.all(),
        "example.com", List.of("h2"), true).encode();

    assertThat(b[0]).isEqualTo((byte) 22);
    assertThat(((b[3] & 0xFF) << 8) | (b[4] & 0xFF)).isEqualTo(b.length - 5);
    assertThat(b[5]).isEqualTo((byte) 1); // ClientHello
    String hex = java.util.HexFormat.of().formatHex(b);
    assertThat(hex).contains("002b0003020304"); // supported_versions: TLS 1.3 only
    assertThat(hex).contains("003300020000"); // key_share: empty
    assertThat(hex).contains(java.util.HexFormat.of().formatHex("example.com".getBytes()));
  }

  @Test
  void suitesAreClassified() {
    assertThat(CipherSuite.of(0xC02F).forwardSecret()).isTrue();
    assertThat(CipherSuite.of(0x009C).forwardSecret()).isFalse();
    assertThat(CipherSuite.of(0xC013).cbc()).isTrue();
    assertThat(CipherSuite.of(0x000A).sweet32()).isTrue();
    assertThat(CipherSuite.of(0x0004).broken()).isEqualTo("RC4");
    assertThat(CipherSuite.of(0x1301).usableWith(TlsVersion.TLS_1_2)).isFalse();
    assertThat(CipherSuite.of(0xC02F).usableWith(TlsVersion.TLS_1_0)).isFalse();
    assertThat(CipherSuite.of(0xC013).usableWith(TlsVersion.TLS_1_0)).isTrue();
    assertThat(CipherSuite.of(0xFEFE).name()).isEqualTo("0xFEFE");
  }
}
