package dev.tlskit;

import java.time.Instant;
import java.util.List;

/**
 * One reason a peer certificate chain was not trusted, with the context needed to fix it. Each kind is a record, so
 * code can switch over them; {@link #describe()} gives the one-line text the command line prints.
 */
public sealed interface CertificateProblem {
  /** Returns a one-line human description. */
  String describe();

  /** Returns a stable kebab-case name of the kind of problem ("name-mismatch"), used in JSON output. */
  default String kind() {
    String n = getClass().getSimpleName();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (Character.isUpperCase(c) && i > 0) sb.append('-');
      sb.append(Character.toLowerCase(c));
    }
    return sb.toString();
  }

  /** No trust anchor issued the chain: it ends at {@code issuer}, a root nobody configured as trusted. */
  record UntrustedIssuer(String issuer) implements CertificateProblem {
    public String describe() {
      return "issuer not trusted: " + issuer;
    }
  }

  /**
   * The chain stops at {@code subject}, whose issuer {@code missingIssuer} was neither sent by the peer nor is a trust
   * anchor: usually a server that forgot to send its intermediate certificate.
   */
  record IncompleteChain(String subject, String missingIssuer) implements CertificateProblem {
    public String describe() {
      return "incomplete chain: issuer " + missingIssuer + " of " + subject + " was not sent and is not trusted";
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

  /** The leaf is not valid for the expected peer name; {@code presented} lists the names it holds. */
  record NameMismatch(String expected, List<String> presented) implements CertificateProblem {
    public NameMismatch {
      presented = List.copyOf(presented);
    }

    public String describe() {
      return "certificate not valid for " + expected + "; it names " + presented;
    }
  }

  /**
   * The leaf has no subjectAltName entry at all (no DNS or IP name) and names {@code expected} only in its subject
   * {@code commonName}. RFC 9525 (which replaced RFC 6125) and every browser ignore the subject CN, so by default such
   * a certificate is valid for no name: the fix is a certificate with {@code DNS:expected} in its subjectAltName.
   * {@code fallbackUsed} is true when the policy accepted the CN anyway ({@code dangerous().allowCommonNameFallback()}
   * or {@link TlsPolicy#LEGACY_COMPATIBLE}); the problem is then a warning of a report that passed.
   */
  record MissingSubjectAltName(String expected, String commonName, boolean fallbackUsed)
      implements CertificateProblem {
    public String describe() {
      String missing = "the certificate has no subjectAltName (it needs DNS:" + expected + ")";
      return fallbackUsed
          ? "accepted for " + expected + " on its subject CN '" + commonName + "' alone (common-name fallback): "
              + missing
          : missing + "; its subject CN '" + commonName + "' is not checked (RFC 9525)";
    }
  }

  /** The issuer revoked a certificate. {@code revokedAt} and {@code reason} are null when unknown. */
  record Revoked(String subject, Instant revokedAt, String reason) implements CertificateProblem {
    public String describe() {
      return "certificate revoked" + (revokedAt == null ? "" : " at " + revokedAt)
          + (reason == null ? "" : " (" + reason + ")") + ": " + subject;
    }
  }

  /** Revocation checking was asked for and no answer could be obtained (no stapled OCSP, responder, or CRL). */
  record RevocationUnknown(String subject, String detail) implements CertificateProblem {
    public String describe() {
      return "revocation status unknown for " + subject + ": " + detail;
    }
  }

  /**
   * No certificate of the chain matches a configured SPKI pin. {@code chainSeen} lists each certificate of the chain
   * as {@code "sha256/... subject"}, so the configuration can be fixed from the message alone.
   */
  record PinMismatch(List<String> pins, List<String> chainSeen) implements CertificateProblem {
    public PinMismatch {
      pins = List.copyOf(pins);
      chainSeen = List.copyOf(chainSeen);
    }

    public String describe() {
      return "certificate pinning failure: pinned " + pins + " but the chain was:\n  " + String.join("\n  ", chainSeen);
    }
  }

  /** A certificate's public key is too small ({@code bits} for {@code algorithm}) to be trusted. */
  record WeakKey(String subject, String algorithm, int bits) implements CertificateProblem {
    public String describe() {
      return "weak " + algorithm + " key of " + bits + " bits: " + subject;
    }
  }

  /** A certificate is signed with a broken algorithm (MD5, SHA-1). */
  record WeakSignature(String subject, String algorithm) implements CertificateProblem {
    public String describe() {
      return "weak signature algorithm " + algorithm + ": " + subject;
    }
  }

  /** The leaf's key usage or extended key usage does not allow this use (for example no serverAuth). */
  record WrongKeyUsage(String subject, String detail) implements CertificateProblem {
    public String describe() {
      return "key usage does not allow this use (" + detail + "): " + subject;
    }
  }

  /** The chain breaks a PKIX rule not covered above (bad signature, CA constraints, name constraints, ...). */
  record InvalidChain(String subject, String detail) implements CertificateProblem {
    public String describe() {
      return "invalid chain at " + subject + ": " + detail;
    }
  }

  /** The peer sent no certificate although one is required. */
  record NoCertificate() implements CertificateProblem {
    public String describe() {
      return "the peer sent no certificate";
    }
  }

  /** The application's validation callback rejected a chain that passed every built-in check. */
  record RejectedByCallback(String detail) implements CertificateProblem {
    public String describe() {
      return "rejected by the validation callback" + (detail == null || detail.isEmpty() ? "" : ": " + detail);
    }
  }

  /**
   * TlsKit did not judge the chain: a caller-supplied {@code SSLContext} did ({@code
   * TlsClient.Builder.dangerous().sslContext}). Always a warning, with the verdict {@code ACCEPTED_DANGEROUSLY}.
   */
  record JudgedElsewhere(String detail) implements CertificateProblem {
    public String describe() {
      return "not judged by TlsKit: " + detail;
    }
  }
}
