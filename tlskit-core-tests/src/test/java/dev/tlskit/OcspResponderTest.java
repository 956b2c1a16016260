package dev.tlskit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.tlskit.internal.trust.ChainValidator;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.jcajce.JcaCertificateID;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.jcajce.JcaBasicOCSPRespBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Revocation through the OCSP responder a certificate names (no stapling): a small in-test responder on loopback
 * answers good for one leaf and revoked for another; with no responder listening, soft-fail proceeds with a warning
 * and hard-fail refuses.
 */
class OcspResponderTest {
  static HttpServer responder;
  static final AtomicInteger requests = new AtomicInteger();
  static TestPki.Held root;
  static TestPki.Held good;
  static TestPki.Held revoked;

  @BeforeAll
  static void startResponder() throws Exception {
    root = TestPki.root("OCSP Test Root");
    responder = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    String url = "http://127.0.0.1:" + responder.getAddress().getPort() + "/";
    good = TestPki.builder("localhost").san("localhost").issuer(root).ocspUrl(url).build();
    revoked = TestPki.builder("localhost").san("localhost").issuer(root).ocspUrl(url).build();
    responder.createContext("/", exchange -> {
      requests.incrementAndGet();
      byte[] der = exchange.getRequestMethod().equals("GET")
          ? Base64.getDecoder().decode(URLDecoder.decode(exchange.getRequestURI().getRawPath().substring(1),
              StandardCharsets.US_ASCII))
          : exchange.getRequestBody().readAllBytes();
      byte[] body;
      try {
        body = answer(new OCSPReq(der), revoked.cert().getSerialNumber()).getEncoded();
      } catch (Exception e) {
        body = new byte[0];
      }
      exchange.getResponseHeaders().add("Content-Type", "application/ocsp-response");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    responder.start();
  }

  private static OCSPResp answer(OCSPReq request, BigInteger revokedSerial) throws Exception {
    BasicOCSPRespBuilder b = new JcaBasicOCSPRespBuilder(root.cert().getPublicKey(),
        new JcaDigestCalculatorProviderBuilder().build().get(RespID.HASH_SHA1));
    Date now = new Date();
    for (Req r : request.getRequestList()) {
      CertificateStatus status = r.getCertID().getSerialNumber().equals(revokedSerial)
          ? new RevokedStatus(new Date(now.getTime() - 3_600_000), CRLReason.keyCompromise)
          : CertificateStatus.GOOD;
      b.addResponse(r.getCertID(), status, now, new Date(now.getTime() + 86_400_000), null);
    }
    BasicOCSPResp basic = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(root.key()),
        new X509CertificateHolder[] {new JcaX509CertificateHolder(root.cert())}, now);
    return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic);
  }

  @AfterAll
  static void stopResponder() {
    if (responder != null) responder.stop(0);
  }

  static TlsPolicy policy(Revocation mode) {
    return TlsPolicy.builder().trust(Trust.anchors(root.cert())).revocation(mode).build();
  }

  @Test
  void responderSaysGoodOrRevoked() throws Exception {
    int before = requests.get();
    SecurityInfo ok = CertificateValidationTest.connect(good.certifiedKey(), policy(Revocation.HARD_FAIL),
        "localhost");
    assertThat(ok.validation().trusted()).isTrue();
    assertThat(ok.validation().warnings()).isEmpty();
    assertThat(requests.get()).isGreaterThan(before);

    TlsSecurityException e = catchThrowableOfType(TlsSecurityException.class, () ->
        CertificateValidationTest.connect(revoked.certifiedKey(), policy(Revocation.SOFT_FAIL), "localhost"));
    assertThat(e).isNotNull();
    assertThat(e.report().orElseThrow().problems()).singleElement()
        .isInstanceOfSatisfying(CertificateProblem.Revoked.class,
            p -> assertThat(p.reason()).isEqualTo("KEY_COMPROMISE"));
  }

  @Test
  void aStapledResponseIsFoundWhicheverProviderParsedTheChain() throws Exception {
    // JSSE parses with BouncyCastle's provider when an application puts it first; the validator judges the chain as
    // the JDK's certificate objects, and must still find the response stapled for BouncyCastle's.
    TestPki.Held leaf = TestPki.builder("localhost").san("localhost").issuer(root).build(); // names no responder
    X509Certificate bcLeaf = new JcaX509CertificateConverter().setProvider(new BouncyCastleProvider())
        .getCertificate(new JcaX509CertificateHolder(leaf.cert()));
    OCSPReq request = new OCSPReqBuilder().addRequest(new JcaCertificateID(
        new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1), root.cert(),
        leaf.cert().getSerialNumber())).build();
    byte[] stapled = answer(request, leaf.cert().getSerialNumber()).getEncoded();
    ValidationReport r = new ChainValidator(policy(Revocation.HARD_FAIL)).validate(List.of(bcLeaf), "localhost",
        ChainValidator.Purpose.SERVER, Map.of(bcLeaf, stapled), Instant.now());
    assertThat(r.problems()).singleElement().isInstanceOf(CertificateProblem.Revoked.class);
  }

  @Test
  void unreachableResponderIsAWarningWhenSoftAndAFailureWhenHard() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    TestPki.Held orphan = TestPki.builder("localhost").san("localhost").issuer(root)
        .ocspUrl("http://127.0.0.1:" + closedPort + "/").build();
    SecurityInfo soft = CertificateValidationTest.connect(orphan.certifiedKey(), policy(Revocation.SOFT_FAIL),
        "localhost");
    assertThat(soft.validation().trusted()).isTrue();
    assertThat(soft.validation().warnings()).isNotEmpty()
        .allMatch(w -> w instanceof CertificateProblem.RevocationUnknown)
        .anyMatch(w -> w.describe().contains("network error"));

    TlsSecurityException e = catchThrowableOfType(TlsSecurityException.class, () ->
        CertificateValidationTest.connect(orphan.certifiedKey(), policy(Revocation.HARD_FAIL), "localhost"));
    assertThat(e).isNotNull();
    assertThat(e.report().orElseThrow().problems()).singleElement()
        .isInstanceOf(CertificateProblem.RevocationUnknown.class);
  }
}
