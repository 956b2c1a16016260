package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The interop adapters: java.net.http.HttpClient and HttpsURLConnection following a TlsKit policy. */
class HttpClientAdapterTest {
  static HttpsServer server;

  @BeforeAll
  static void start() throws Exception {
    CertifiedKey key = ConnectionTest.LEAF.certifiedKey();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("k", key.privateKey(), "pw".toCharArray(), key.chain().toArray(X509Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(ks, "pw".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx));
    server.createContext("/", exchange -> {
      byte[] body = "hello from https".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  static HttpResponse<String> get(TlsPolicy policy, String host) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().sslContext(policy.sslContext()).sslParameters(policy.sslParameters())
        .connectTimeout(Duration.ofSeconds(10)).build();
    URI uri = URI.create("https://" + host + ":" + server.getAddress().getPort() + "/");
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void httpClientFollowsATlsKitPolicy() throws Exception {
    HttpResponse<String> r = get(CertificateValidationTest.TRUST_ROOT, "localhost");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello from https");
    assertThat(r.sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.3");
  }

  @Test
  void httpClientRefusesWhatThePolicyRefuses() {
    assertThatThrownBy(() -> get(TlsPolicy.MODERN, "localhost"))
        .isInstanceOf(IOException.class).hasStackTraceContaining("issuer not trusted")
        .satisfies(e -> assertThat(ValidationReport.of(e)).get()
            .satisfies(r -> assertThat(r.problems()).hasAtLeastOneElementOfType(CertificateProblem.UntrustedIssuer.class)));
    String otherPin = "sha256/" + "A".repeat(43) + "=";
    TlsPolicy pinned = CertificateValidationTest.TRUST_ROOT.toBuilder().pin(otherPin).build();
    assertThatThrownBy(() -> get(pinned, "localhost"))
        .isInstanceOf(IOException.class).hasStackTraceContaining("pinning failure");
  }

  @Test
  void socketFactoryAdapterVerifiesTheHostName() throws Exception {
    TlsPolicy policy = CertificateValidationTest.TRUST_ROOT;
    var url = URI.create("https://localhost:" + server.getAddress().getPort() + "/").toURL();
    HttpsURLConnection c = (HttpsURLConnection) url.openConnection();
    c.setSSLSocketFactory(policy.socketFactory());
    c.setConnectTimeout(10_000);
    c.setReadTimeout(10_000);
    try (var in = c.getInputStream()) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello from https");
    }
    TestPki.Held wrongName = TestPki.leaf(CertificateValidationTest.INTERMEDIATE, "other.example");
    try (LoopbackTlsPeer other = LoopbackTlsPeer.echo(wrongName.certifiedKey())) {
      assertThatThrownBy(() -> {
        try (var s = policy.socketFactory().createSocket("localhost", other.port())) {
          ((javax.net.ssl.SSLSocket) s).startHandshake();
        }
      }).isInstanceOf(IOException.class).hasStackTraceContaining("not valid for localhost");
    }
  }
}
