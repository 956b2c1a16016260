package dev.tlskit.examples;

import dev.tlskit.CertificateProblem;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.Trust;
import dev.tlskit.ValidationReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A validation callback that adds a rule, and reading the {@link ValidationReport} of a refusal. */
public final class Validation {
  private Validation() {}

  /** Connects, refusing certificates that expire within 30 days; returns the report of the accepted peer. */
  public static ValidationReport connect(String host, int port, String peerName, Path caPem) throws IOException {
    // guide:validation-callback
    TlsPolicy policy = TlsPolicy.builder()
        .trust(Trust.fromFile(caPem, null))
        .validationCallback(report -> report.presented().getFirst().getNotAfter().toInstant()
            .isAfter(Instant.now().plus(Duration.ofDays(30))))   // may only reject: adds a rule, lifts none
        .build();
    TlsClient client = TlsClient.builder().policy(policy).build();
    try (TlsConnection c = client.connectTls(host, port, peerName)) {
      return c.securityInfo().validation();                      // verdict TRUSTED, the chain that was built
    } catch (TlsSecurityException e) {
      e.report().ifPresent(r -> explain(r).forEach(System.err::println));   // CERTIFICATE_REJECTED has a report
      throw e;
    }
    // guide:end
  }

  // guide:validation-report
  /** Turns each problem of a refused certificate into advice. */
  public static List<String> explain(ValidationReport report) {
    List<String> advice = new ArrayList<>();
    for (CertificateProblem problem : report.problems()) {
      advice.add(switch (problem) {
        case CertificateProblem.NameMismatch m ->
            "the certificate names " + m.presented() + ", not " + m.expected() + ": dial by that name";
        case CertificateProblem.MissingSubjectAltName m ->
            "the server's certificate needs DNS:" + m.expected() + " in its subjectAltName; the CN is not read";
        case CertificateProblem.UntrustedIssuer u -> "trust the issuer " + u.issuer() + " (Trust.fromFile)";
        case CertificateProblem.IncompleteChain i -> "the server must send the intermediate " + i.missingIssuer();
        case CertificateProblem.Expired x -> "expired on " + x.notAfter();
        case CertificateProblem.RejectedByCallback r -> "refused by our own validation callback";
        default -> problem.describe();
      });
    }
    return advice;
  }
  // guide:end
}
