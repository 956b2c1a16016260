package dev.tlskit.internal.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsSecurityException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** SCRAM-SHA-256 against the RFC 7677 section 3 test vector, and the checks that refuse a server. */
class ScramTest {
  private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
  private static final String SERVER_FIRST =
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

  private static Scram vector() {
    return new Scram("user", "pencil".toCharArray(), Scram.NO_BINDING, null, CLIENT_NONCE);
  }

  @Test
  void matchesTheRfc7677TestVector() throws Exception {
    Scram s = vector();
    assertThat(s.clientFirst()).isEqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    assertThat(s.clientFinal(SERVER_FIRST)).isEqualTo("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    s.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    s.requireVerified();
  }

  @Test
  void aServerSignatureThatIsWrongIsRefused() throws Exception {
    Scram s = vector();
    s.clientFinal(SERVER_FIRST);
    assertThatThrownBy(() -> s.verifyServerFinal("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))
        .isInstanceOfSatisfying(TlsSecurityException.class,
            e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.SERVER_PROOF_REJECTED))
        .hasMessageContaining("does not know the password");
    assertThatThrownBy(s::requireVerified).isInstanceOf(TlsSecurityException.class);
  }

  @Test
  void successWithoutAServerSignatureIsRefused() throws Exception {
    Scram s = vector();
    s.clientFinal(SERVER_FIRST);
    assertThatThrownBy(s::requireVerified).isInstanceOfSatisfying(TlsSecurityException.class,
        e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.SERVER_PROOF_REJECTED));
  }

  @Test
  void tooFewIterationsAreRefusedBeforeAnyProof() {
    assertThatThrownBy(() -> vector().clientFinal(SERVER_FIRST.replace("i=4096", "i=1")))
        .isInstanceOfSatisfying(TlsSecurityException.class,
            e -> assertThat(e.reason()).isEqualTo(TlsSecurityException.Reason.SERVER_PROOF_REJECTED))
        .hasMessageContaining("1 iterations");
  }

  @Test
  void aNonceThatDoesNotExtendOursIsRefused() {
    assertThatThrownBy(() -> vector().clientFinal(SERVER_FIRST.replace("r=rOpr", "r=XOpr")))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("nonce does not extend ours");
    assertThatThrownBy(() -> vector().clientFinal("r=" + CLIENT_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("nonce does not extend ours");
  }

  @Test
  void malformedOrMandatoryExtensionMessagesAreProtocolErrors() {
    assertThatThrownBy(() -> vector().clientFinal("m=x," + SERVER_FIRST))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("extension");
    assertThatThrownBy(() -> vector().clientFinal("s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("expected attribute r");
    assertThatThrownBy(() -> vector().clientFinal(SERVER_FIRST.replace("i=4096", "i=many")))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("malformed");
  }

  @Test
  void aServerErrorIsReported() throws Exception {
    Scram s = vector();
    s.clientFinal(SERVER_FIRST);
    assertThatThrownBy(() -> s.verifyServerFinal("e=invalid-proof"))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("invalid-proof");
  }

  @Test
  void userNamesAreEscapedAndPreparedAsRfc5802Says() {
    assertThat(new Scram("a,b=c\u00A0d", "p".toCharArray(), Scram.NO_BINDING, null, "n").clientFirst())
        .isEqualTo("n,,n=a=2Cb=3Dc d,r=n");
    assertThat(new Scram("\uFB01x\u00AD", "p".toCharArray(), Scram.NO_BINDING, null, "n").clientFirst())
        .isEqualTo("n,,n=fix,r=n");
    assertThatThrownBy(() -> new Scram("u", "p\u0007".toCharArray(), Scram.NO_BINDING, null, "n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("p\u0007");
  }

  // ---- channel binding (RFC 5802 sections 6 and 7) ---------------------------------------------------------------

  /** The client proof and server signature for {@code withoutProof}, computed with the JDK's PBKDF2, not Scram's Hi. */
  private static String[] proofAndSignature(String clientFirstBare, String withoutProof) throws Exception {
    SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
    byte[] salted = f.generateSecret(new PBEKeySpec("pencil".toCharArray(),
        Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096, 256)).getEncoded();
    byte[] auth = (clientFirstBare + "," + SERVER_FIRST + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
    byte[] clientKey = hmac(salted, "Client Key");
    byte[] proof = hmac(MessageDigest.getInstance("SHA-256").digest(clientKey), auth);
    for (int i = 0; i < proof.length; i++) proof[i] ^= clientKey[i];
    return new String[] {Base64.getEncoder().encodeToString(proof),
        Base64.getEncoder().encodeToString(hmac(hmac(salted, "Server Key"), auth))};
  }

  private static byte[] hmac(byte[] key, String data) throws Exception {
    return hmac(key, data.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  @Test
  void aBoundLoginCarriesTheHeaderAndTheBindingDataInCAndSoInTheProof() throws Exception {
    byte[] cb = HexFormat.of().parseHex("b0e8c2a0f1d3e5c7a9b1d3f5e7c9a1b3d5f7e9c1a3b5d7f9e1c3a5b7d9f1e3c5");
    Scram s = new Scram("user", "pencil".toCharArray(), Scram.bound("tls-exporter"), cb, CLIENT_NONCE);
    assertThat(s.clientFirst()).isEqualTo("p=tls-exporter,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    byte[] header = "p=tls-exporter,,".getBytes(StandardCharsets.US_ASCII);
    byte[] cbind = new byte[header.length + cb.length];
    System.arraycopy(header, 0, cbind, 0, header.length);
    System.arraycopy(cb, 0, cbind, header.length, cb.length);
    String withoutProof = "c=" + Base64.getEncoder().encodeToString(cbind)
        + ",r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    String[] expected = proofAndSignature("n=user,r=rOprNGfwEbeRWgbNEkqO", withoutProof);
    assertThat(s.clientFinal(SERVER_FIRST)).isEqualTo(withoutProof + ",p=" + expected[0]);
    s.verifyServerFinal("v=" + expected[1]);
    s.requireVerified();
  }

  @Test
  void aClientThatCouldBindButWasNotOfferedPlusSaysY() throws Exception {
    Scram s = new Scram("user", "pencil".toCharArray(), Scram.SERVER_OFFERED_NO_BINDING, null, CLIENT_NONCE);
    assertThat(s.clientFirst()).isEqualTo("y,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    String withoutProof = "c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"; // eSws = base64("y,,")
    assertThat(s.clientFinal(SERVER_FIRST))
        .isEqualTo(withoutProof + ",p=" + proofAndSignature("n=user,r=rOprNGfwEbeRWgbNEkqO", withoutProof)[0]);
  }

  @Test
  void bindingDataGoesWithAPHeaderAndOnlyWithIt() {
    assertThatThrownBy(() -> new Scram("u", "p".toCharArray(), Scram.bound("tls-exporter"), null, "n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Scram("u", "p".toCharArray(), Scram.SERVER_OFFERED_NO_BINDING, new byte[32], "n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theServersBindingErrorsAreRecognised() {
    assertThat(Scram.bindingError("e=channel-bindings-dont-match")).isTrue();
    assertThat(Scram.bindingError("e=unsupported-channel-binding-type")).isTrue();
    assertThat(Scram.bindingError("e=invalid-proof")).isFalse();
  }
}
