package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.internal.io.KeyExchangeSniffer;
import dev.tlskit.internal.net.TransportSocket;
import dev.tlskit.internal.tls.NamedGroups;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both sides name the key-exchange group the server chose, although JSSE has no API for it and the policies offer
 * several groups: TLS 1.3 and 1.2, after a HelloRetryRequest, after STARTTLS, on resumption, on BouncyCastle's JSSE
 * (the hybrid post-quantum groups included), and against OpenSSL.
 */
class KeyExchangeGroupTest {
  /** The random of a HelloRetryRequest (RFC 8446 section 4.1.3). */
  static final byte[] RETRY_RANDOM =
      HexFormat.of().parseHex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

  /** BouncyCastle's JSSE on the BouncyCastle crypto provider, which has ML-KEM for the hybrid groups. */
  static final Provider BC_JSSE = new BouncyCastleJsseProvider(new BouncyCastleProvider());

  @TempDir static Path dir;
  static ServerTestPki pki;
  static ServerTestPki.Issued cert;

  final List<TlsServer> servers = new ArrayList<>();
  final BlockingQueue<SecurityInfo> serverSide = new LinkedBlockingQueue<>();

  @BeforeAll
  static void pki() throws Exception {
    pki = ServerTestPki.create(dir, "Group Test CA");
    cert = pki.server("localhost");
  }

  @AfterEach
  void stop() {
    servers.forEach(s -> s.shutdown(Duration.ofSeconds(1)));
  }

  static TlsPolicy policy(String protocol, String groups, Provider provider) {
    TlsPolicy.Builder b = TlsPolicy.MODERN.toBuilder().protocols(protocol)
        .namedGroups(List.of(groups.split(":"))).trust(Trust.anchors(pki.caCertificate()));
    if (provider != null) b.provider(provider);
    return b.build();
  }

  static TlsClient client(String protocol, String groups) {
    return client(policy(protocol, groups, null));
  }

  static TlsClient client(TlsPolicy policy) {
    return TlsClient.builder().timeout(Duration.ofSeconds(10)).policy(policy).build();
  }

  static ServerCertificates certs() throws IOException {
    return ServerCertificates.builder().addPemFiles(cert.chainFile(), cert.keyFile()).build();
  }

  /** Starts a server offering {@code groups}; each connection reports its security info and says "hi". */
  TlsServer start(TlsPolicy policy, TlsMode mode) throws IOException {
    TlsServer s = TlsServer.builder(c -> {
      if (mode == TlsMode.STARTTLS) {
        c.writeLine("220 ready");
        c.readLine(100);
        c.upgradeToTls("220 go ahead");
      }
      serverSide.add(c.securityInfo());
      c.writeLine("hi");
    }, certs()).mode(mode).policy(policy).drainTimeout(Duration.ofSeconds(1)).start();
    servers.add(s);
    return s;
  }

  /** Connects, reads the greeting, and returns the client's and the server's view of the handshake. */
  SecurityInfo[] connect(TlsClient client, TlsServer server) throws Exception {
    try (TlsConnection c = client.connectTls("127.0.0.1", server.port(), "localhost")) {
      assertThat(c.readLine(100)).isEqualTo("hi");
      return new SecurityInfo[] {c.securityInfo(), serverSide.poll(10, TimeUnit.SECONDS)};
    }
  }

  @ParameterizedTest(name = "{0} client {1} server {2}")
  @CsvSource({
      "TLSv1.3, x25519:secp384r1, secp384r1:x25519, x25519", // the client's key share, which the server accepts
      "TLSv1.3, secp384r1:x25519, x25519:secp384r1, secp384r1",
      // TLS 1.2: the ServerKeyExchange's named_curve; the P-256 certificate needs secp256r1 among the groups
      "TLSv1.2, x25519:secp384r1:secp256r1, secp384r1:secp256r1, secp384r1",
      "TLSv1.2, secp256r1:x25519, x25519:secp256r1, secp256r1",
      "TLSv1.3, x25519, secp384r1:x25519, x25519"})
  void bothSidesNameTheGroupTheServerChose(String protocol, String clientGroups, String serverGroups,
      String expected) throws Exception {
    TlsServer server = start(policy(protocol, serverGroups, null), TlsMode.IMPLICIT);
    SecurityInfo[] info = connect(client(protocol, clientGroups), server);
    assertThat(info[0].protocol()).isEqualTo(protocol);
    assertThat(info[0].keyExchangeGroup()).as("client").isEqualTo(expected);
    assertThat(info[1].keyExchangeGroup()).as("server").isEqualTo(expected);
    assertThat(info[0].toString()).contains("Key exchange:  " + expected);
    assertThat(info[0].toJson()).contains("\"keyExchangeGroup\":\"" + expected + "\"");
  }

  @Test
  void helloRetryRequestEndsInTheGroupTheServerAccepts() throws Exception {
    TlsServer server = start(policy("TLSv1.3", "secp256r1:x448", null), TlsMode.IMPLICIT);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    Socket recorded = new TransportSocket(new Socket("127.0.0.1", server.port()), Duration.ofSeconds(10),
        in -> new FilterInputStream(in) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && received.size() < 65536) received.write(b, off, n);
            return n;
          }
        });
    // The JDK sends one key share per kind of group (x25519, secp384r1), neither of which the server accepts.
    try (TlsConnection c = client("TLSv1.3", "x25519:secp384r1:secp256r1").secure(recorded, "localhost")) {
      assertThat(c.readLine(100)).isEqualTo("hi");
      assertThat(indexOf(received.toByteArray(), RETRY_RANDOM)).as("HelloRetryRequest received").isPositive();
      assertThat(c.securityInfo().keyExchangeGroup()).isEqualTo("secp256r1");
    }
    assertThat(serverSide.poll(10, TimeUnit.SECONDS).keyExchangeGroup()).isEqualTo("secp256r1");
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) return i;
    }
    return -1;
  }

  @Test
  void starttlsUpgradeNamesTheGroup() throws Exception {
    TlsServer server = start(policy("TLSv1.3", "x25519:secp384r1", null), TlsMode.STARTTLS);
    try (TlsConnection c = client("TLSv1.3", "secp384r1:x25519").connectPlain("127.0.0.1", server.port(),
        "localhost")) {
      assertThat(c.readLine(100)).isEqualTo("220 ready");
      c.output().write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
      c.output().flush();
      assertThat(c.readLine(100)).isEqualTo("220 go ahead");
      assertThat(c.upgradeToTls().keyExchangeGroup()).isEqualTo("secp384r1");
      assertThat(c.readLine(100)).isEqualTo("hi");
    }
    assertThat(serverSide.poll(10, TimeUnit.SECONDS).keyExchangeGroup()).isEqualTo("secp384r1");
  }

  @Test
  void serverTlsOnAnAcceptedSocketNamesTheGroup() throws Exception {
    ServerTls tls = TlsServer.builder(certs()).policy(policy("TLSv1.3", "x25519:secp384r1", null))
        .handshakeTimeout(Duration.ofSeconds(5)).buildServerTls();
    try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      CompletableFuture<String> clientGroup = CompletableFuture.supplyAsync(() -> {
        try (TlsConnection c = client("TLSv1.3", "secp384r1:x25519").connectTls("127.0.0.1",
            listener.getLocalPort(), "localhost")) {
          c.readLine(100);
          return c.securityInfo().keyExchangeGroup();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      try (ServerConnection c = tls.secure(listener.accept())) {
        assertThat(c.securityInfo().keyExchangeGroup()).isEqualTo("secp384r1");
        c.writeLine("hi");
      }
      assertThat(clientGroup.get(10, TimeUnit.SECONDS)).isEqualTo("secp384r1");
    }
  }

  @Test
  void tls13ResumptionStillExchangesAKeyAndNamesIt() throws Exception {
    TlsServer server = start(policy("TLSv1.3", "secp384r1:x25519", null), TlsMode.IMPLICIT);
    TlsClient client = client("TLSv1.3", "secp384r1:x25519");
    SecurityInfo[] first = connect(client, server);
    SecurityInfo[] again = connect(client, server);
    assertThat(first[0].resumed()).isFalse();
    assertThat(again[0].resumed()).isTrue();
    assertThat(again[1].resumed()).isTrue();
    // psk_dhe_ke: the resumed handshake has a key_share of its own
    assertThat(again[0].keyExchangeGroup()).isEqualTo(again[1].keyExchangeGroup()).isEqualTo("secp384r1");
  }

  @Test
  void tls12ResumptionExchangesNoKeyAndSaysSo() throws Exception {
    TlsServer server = start(policy("TLSv1.2", "x25519:secp256r1", null), TlsMode.IMPLICIT);
    TlsClient client = client("TLSv1.2", "x25519:secp256r1");
    SecurityInfo[] first = connect(client, server);
    assertThat(first[0].keyExchangeGroup()).isEqualTo(first[1].keyExchangeGroup()).isEqualTo("x25519");
    SecurityInfo[] again = connect(client, server);
    assertThat(again[0].resumed()).isTrue();
    assertThat(again[1].resumed()).isTrue();
    assertThat(again[0].keyExchangeGroup()).isEqualTo(again[1].keyExchangeGroup()).isEqualTo("none (resumed)");
  }

  /**
   * BouncyCastle's JSSE on both sides: a TlsKit client, and a BouncyCastle server socket over a {@link
   * TransportSocket} that reads its own outbound flight as {@code ServerHandshake} does (TlsServer itself does not
   * handshake on BouncyCastle's JSSE yet: its key manager does not know BouncyCastle's key type names).
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "TLSv1.3, secp384r1:x25519:secp256r1, secp384r1", // BouncyCastle wants the certificate's curve among them
      "TLSv1.2, secp384r1:x25519:secp256r1, secp384r1",
      "TLSv1.3, X25519MLKEM768:x25519:secp256r1, X25519MLKEM768", // the hybrid post-quantum group
      "TLSv1.3, SecP256r1MLKEM768:secp256r1, SecP256r1MLKEM768",
      "TLSv1.3, SecP384r1MLKEM1024:secp256r1, SecP384r1MLKEM1024"})
  void bouncyCastleJsseOnBothSidesNamesTheGroup(String protocol, String groups, String expected) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", cert.key(), new char[0], cert.chain().toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX", BC_JSSE);
    kmf.init(store, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS", BC_JSSE);
    context.init(kmf.getKeyManagers(), null, null);
    try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      CompletableFuture<SecurityInfo> client = CompletableFuture.supplyAsync(() -> {
        try (TlsConnection c = client(policy(protocol, groups, BC_JSSE))
            .connectTls("127.0.0.1", listener.getLocalPort(), "localhost")) {
          assertThat(c.readLine(100)).isEqualTo("hi");
          return c.securityInfo();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      Socket raw = listener.accept();
      TransportSocket under = new TransportSocket(raw, Duration.ofSeconds(10));
      KeyExchangeSniffer flight = under.watchServerFlight(false);
      try (SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(under, "127.0.0.1", raw.getPort(),
          true)) {
        ssl.setUseClientMode(false);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setNamedGroups(groups.split(":"));
        ssl.setSSLParameters(parameters);
        ssl.startHandshake();
        ssl.getOutputStream().write("hi\r\n".getBytes(StandardCharsets.US_ASCII));
        ssl.getOutputStream().flush();
        SecurityInfo info = client.get(10, TimeUnit.SECONDS);
        assertThat(info.protocol()).isEqualTo(protocol);
        assertThat(ssl.getSession().getProtocol()).isEqualTo(protocol);
        assertThat(info.keyExchangeGroup()).isEqualTo(NamedGroups.name(flight.group())).isEqualTo(expected);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void clientNamesTheGroupOfAnOpensslServer(String protocol) throws Exception {
    try (ClientCertificateRefusalTest.OpensslServer openssl = ClientCertificateRefusalTest.OpensslServer.start(dir,
        cert, "-groups", "secp384r1", "-www")) {
      try (TlsConnection c = client(protocol, "x25519:secp256r1:secp384r1").connectTls("127.0.0.1", openssl.port,
          "localhost")) {
        assertThat(c.securityInfo().protocol()).isEqualTo(protocol);
        assertThat(c.securityInfo().keyExchangeGroup()).isEqualTo("secp384r1");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"-tls1_3", "-tls1_2"})
  void serverNamesTheGroupOfAnOpensslClient(String version) throws Exception {
    Path openssl = Path.of("/usr/bin/openssl");
    if (Boolean.getBoolean("tlskit.requirePeers")) assertThat(openssl).isExecutable();
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(openssl),
        "openssl is not installed (scripts/install-peers)");
    TlsServer server = start(TlsPolicy.MODERN.toBuilder().namedGroups(List.of("x25519", "secp256r1", "secp384r1"))
        .build(), TlsMode.IMPLICIT);
    // TLS 1.2: the server's P-256 certificate needs secp256r1 among the client's groups
    Process p = new ProcessBuilder(openssl.toString(), "s_client", version, "-groups", "secp384r1:secp256r1",
        "-connect",
        "127.0.0.1:" + server.port(), "-servername", "localhost", "-ign_eof")
        .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    String out;
    try {
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("s_client finished").isTrue();
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      p.destroyForcibly();
    }
    assertThat(out).contains("Server Temp Key: ECDH, secp384r1");
    SecurityInfo info = serverSide.poll(10, TimeUnit.SECONDS);
    assertThat(info.protocol()).isEqualTo(version.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2");
    assertThat(info.keyExchangeGroup()).isEqualTo("secp384r1");
  }
}
