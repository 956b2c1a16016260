package dev.tlskit;

import java.time.Instant;
import java.util.List;

/** One reason a peer certificate chain was not trusted, with the context needed to fix it. */
public sealed interface CertificateProblem {
  /** Returns a one-line human description. */
  String describe();

  /** No trust anchor issued the chain. */
  record UntrustedIssuer(String issuer) implements CertificateProblem {
    public String describe() {
      return "issuer not trusted: " + issuer;
    }
  }

  /** A certificate's validity ended before now. */
  record Expired(String subject, Instant notAfter, Instant now) implements CertificateProblem {
    public String describe() {
      return "certificate expired at " + notAfter + " (now " + now + "): " + subject;
    }
  }

  /** A certificate's validity starts after now. */
  record NotYetValid(String subject, Instant notBefore, Instant now) implements CertificateProblem {
    public String describe() {
      return "certificate not valid before " + notBefore + " (now " + now + "): " + subject;
    }
  }

  /** The leaf is not valid for the expected peer name. */
  record NameMismatch(String expected, List<String> presented) implements CertificateProblem {
    public NameMismatch {
      presented = List.copyOf(presented);
    }

    public String describe() {
      return "certificate not valid for " + expected + "; it names " + presented;
    }
  }
}
