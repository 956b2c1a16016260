package dev.tlskit.examples;

// guide:first-program
import dev.tlskit.CertifiedKey;
import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import dev.tlskit.smtp.SmtpClient;
import java.io.IOException;
import java.nio.file.Path;

/** Connects to an SMTP server, upgrades with STARTTLS presenting a client certificate, and prints the outcome. */
public final class StartTlsClientCertificate {
  /** Arguments: HOST PORT CA.pem CERT.pem KEY.pem (the files 'tlskit cert' writes). */
  public static void main(String[] args) throws IOException {
    if (args.length != 5) {
      System.err.println("usage: StartTlsClientCertificate HOST PORT CA.pem CERT.pem KEY.pem");
      System.exit(2);
    }
    SecurityInfo info = connect(args[0], Integer.parseInt(args[1]), Path.of(args[2]), Path.of(args[3]),
        Path.of(args[4]));
    System.out.println(info.protocol() + " " + info.cipherSuite() + ", server " + info.validation().verdict()
        + " as " + info.peerName() + ", we presented " + info.localChain().getFirst().getSubjectX500Principal());
    System.out.println(info);                     // the whole report: chain presented, chain built, problems
  }

  /** Upgrades with STARTTLS (required: no fallback to plaintext) and returns what was negotiated. */
  public static SecurityInfo connect(String host, int port, Path caPem, Path certPem, Path keyPem)
      throws IOException {
    TlsPolicy policy = TlsPolicy.builder()
        .trust(Trust.fromFile(caPem, null))                               // the CA of the server's certificate
        .clientCertificate(CertifiedKey.fromPem(certPem, keyPem, null))   // who we are
        .build();
    TlsClient client = TlsClient.builder().policy(policy).build();
    try (SmtpClient smtp = SmtpClient.connect(client, host, port, TlsMode.STARTTLS)) {
      SecurityInfo info = smtp.securityInfo().orElseThrow();   // STARTTLS mode: never plaintext
      smtp.quit();
      return info;
    }
  }
}
// guide:end
