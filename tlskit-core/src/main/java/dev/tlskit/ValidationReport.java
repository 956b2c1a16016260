package dev.tlskit;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Describes how a peer's certificate chain was judged: the chain the peer presented, the chain built to a trust
 * anchor (empty when none could be built), and every problem found. A report with no problems is a pass.
 */
public record ValidationReport(
    String expectedName, List<X509Certificate> presented, List<X509Certificate> built,
    List<CertificateProblem> problems) {

  public ValidationReport {
    presented = List.copyOf(presented);
    built = List.copyOf(built);
    problems = List.copyOf(problems);
  }

  /** Returns true when no problem was found. */
  public boolean trusted() {
    return problems.isEmpty();
  }
}
