package dev.tlskit.internal.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsSecurityException;
import org.junit.jupiter.api.Test;

/** SCRAM-SHA-256 against the RFC 7677 section 3 test vector, and the checks that refuse a server. */
class ScramTest {
  private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
  private static final String SERVER_FIRST =
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

  private static Scram vector() {
    return new Scram("user", "pencil".toCharArray(), CLIENT_NONCE);
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
    assertThat(new Scram("a,b=c\u00A0d", "p".toCharArray(), "n").clientFirst()).isEqualTo("n,,n=a=2Cb=3Dc d,r=n");
    assertThat(new Scram("\uFB01x\u00AD", "p".toCharArray(), "n").clientFirst()).isEqualTo("n,,n=fix,r=n");
    assertThatThrownBy(() -> new Scram("u", "p\u0007".toCharArray(), "n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("p\u0007");
  }
}
