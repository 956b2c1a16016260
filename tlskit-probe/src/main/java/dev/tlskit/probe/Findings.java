package dev.tlskit.probe;

import dev.tlskit.CertificateProblem;
import dev.tlskit.probe.Finding.Severity;
import dev.tlskit.internal.trust.Certs;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Draws the findings and the verdict from what a probe saw. The rules, with their severities, are listed in
 * docs/probe.md; they follow RFC 8996 (no TLS 1.0/1.1), RFC 9325 (forward-secret AEAD suites, TLS 1.3) and the
 * certificate problems of {@link dev.tlskit.ValidationReport}.
 */
final class Findings {
  /** A certificate ending within this time gets a finding. */
  static final Duration EXPIRY_WARNING = Duration.ofDays(30);

  private final ProbeReport r;
  private final List<Finding> findings = new ArrayList<>();
  private ProbeReport.Verdict verdict = ProbeReport.Verdict.GOOD;

  private Findings(ProbeReport r) {
    this.r = r;
  }

  /** Returns the findings drawn from what {@code report} saw, worst first, and the verdict they make. */
  static ProbeReport.Judgement judge(ProbeReport report) {
    Findings f = new Findings(report);
    f.run();
    return new ProbeReport.Judgement(f.findings, f.verdict);
  }

  /** Returns true when {@code c} ran to its end: a check cut short draws no findings (its absences prove nothing). */
  private boolean done(ProbeReport.Check c) {
    return !r.pending().contains(c);
  }

  private void run() {
    if (r.starttls() != null && !r.starttls().offered()) {
      add(Severity.CRITICAL, "starttls-not-offered", r.target().starttls() + " server does not offer the TLS upgrade",
          "capabilities: " + r.starttls().before());
      verdict();
      return;
    }
    if (!done(ProbeReport.Check.VERSIONS)) {
      verdict();
      return;
    }
    List<TlsVersion> accepted = r.acceptedVersions();
    if (accepted.isEmpty()) {
      verdict = ProbeReport.Verdict.NO_TLS;
      add(Severity.CRITICAL, "no-tls", "the server accepted no TLS version (1.0 to 1.3)",
          r.versions().stream().map(v -> v.version().display() + ": " + v.refusal()).collect(Collectors.joining("; ")));
      sort();
      return;
    }
    protocols(accepted);
    if (done(ProbeReport.Check.SUITES)) suites();
    if (r.dhBits() > 0 && r.dhBits() < 2048) {
      add(r.dhBits() < 1024 ? Severity.HIGH : Severity.MEDIUM, "weak-dh",
          "DHE uses a " + r.dhBits() + "-bit prime", "use at least 2048 bits (RFC 9325), or ECDHE only");
    }
    if (r.postQuantum() != null) {
      if (r.postQuantum()) {
        add(Severity.INFO, "pq-hybrid", "the server accepts post-quantum hybrid key exchange (X25519MLKEM768 or"
            + " kin)", "a TLS 1.3 handshake offering only the hybrid groups completed");
      } else {
        add(Severity.INFO, "no-pq-hybrid", "the server has no post-quantum hybrid key exchange",
            "a TLS 1.3 handshake offering only X25519MLKEM768, SecP256r1MLKEM768 and SecP384r1MLKEM1024 was refused:"
                + " traffic recorded today could be decrypted by a future quantum computer (OpenSSL 3.5, Go 1.24,"
                + " rustls and browsers offer X25519MLKEM768 by default)");
      }
    }
    if (r.secureRenegotiation() != null && !r.secureRenegotiation()) {
      add(Severity.MEDIUM, "no-secure-renegotiation", "TLS 1.2 and older without secure renegotiation (RFC 5746)", "");
    }
    if (r.extendedMasterSecret() != null && !r.extendedMasterSecret()) {
      add(Severity.LOW, "no-extended-master-secret", "TLS 1.2 and older without extended master secret (RFC 7627)",
          "");
    }
    if (done(ProbeReport.Check.HANDSHAKE) || !r.chain().isEmpty()) certificate();
    features();
    verdict();
  }

  private void protocols(List<TlsVersion> accepted) {
    if (accepted.contains(TlsVersion.TLS_1_0)) {
      add(Severity.HIGH, "tls10-offered", "TLS 1.0 is accepted", "deprecated by RFC 8996; disable it");
    }
    if (accepted.contains(TlsVersion.TLS_1_1)) {
      add(Severity.HIGH, "tls11-offered", "TLS 1.1 is accepted", "deprecated by RFC 8996; disable it");
    }
    if (!accepted.contains(TlsVersion.TLS_1_2) && !accepted.contains(TlsVersion.TLS_1_3)) {
      add(Severity.CRITICAL, "no-modern-tls", "neither TLS 1.2 nor TLS 1.3 is accepted", "");
    } else if (!accepted.contains(TlsVersion.TLS_1_3)) {
      add(Severity.LOW, "no-tls13", "TLS 1.3 is not accepted", "RFC 9325 recommends supporting it");
    }
  }

  private void suites() {
    List<CipherSuite> all = r.acceptedSuites();
    List<CipherSuite> broken = all.stream().filter(s -> s.broken() != null).toList();
    if (!broken.isEmpty()) {
      add(Severity.CRITICAL, "broken-cipher", "broken cipher suites are accepted",
          broken.stream().map(s -> s.name() + " (" + s.broken() + ")").collect(Collectors.joining(", ")));
    }
    List<CipherSuite> sweet32 = all.stream().filter(CipherSuite::sweet32).toList();
    if (!sweet32.isEmpty()) {
      add(Severity.HIGH, "sweet32", "64-bit block cipher suites are accepted (SWEET32)", names(sweet32));
    }
    List<CipherSuite> noFs = all.stream().filter(s -> !s.forwardSecret() && !s.name().contains("_anon_")).toList();
    if (!noFs.isEmpty()) {
      boolean none = all.stream().noneMatch(CipherSuite::forwardSecret);
      add(none ? Severity.HIGH : Severity.MEDIUM, none ? "no-forward-secrecy" : "non-forward-secret-suites",
          none ? "no suite with forward secrecy is accepted" : "suites without forward secrecy are accepted",
          names(noFs));
    }
    List<CipherSuite> cbc = all.stream().filter(CipherSuite::cbc).filter(s -> !s.sweet32()).toList();
    if (!cbc.isEmpty()) add(Severity.LOW, "cbc-suites", "CBC-mode suites are accepted", names(cbc));
    boolean modernOk = all.stream().anyMatch(s -> s.tls13() || s.ecdhe() && s.aead());
    if (!modernOk) {
      add(Severity.MEDIUM, "no-modern-suite", "no suite a secure-by-default client offers is accepted",
          "TlsKit's MODERN policy needs TLS 1.3 or TLS 1.2 with ECDHE and AES-GCM/ChaCha20-Poly1305");
    }
    for (ProbeReport.VersionResult v : r.versions()) {
      if (Boolean.FALSE.equals(v.serverOrder()) && v.suites().stream().anyMatch(s -> !s.forwardSecret() || !s.aead())) {
        add(Severity.LOW, "client-order-" + v.version().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
            v.version().display() + ": the server follows the client's suite order and accepts weaker suites",
            "a client that prefers a weak suite gets it; enforce the server's order");
      }
    }
  }

  private void certificate() {
    if (r.validation() != null) {
      for (CertificateProblem p : r.validation().problems()) {
        Severity s = switch (p) {
          case CertificateProblem.Revoked x -> Severity.CRITICAL;
          case CertificateProblem.RevocationUnknown x -> Severity.MEDIUM;
          default -> Severity.HIGH;
        };
        add(s, "certificate-" + p.kind(), "certificate: " + p.describe().lines().findFirst().orElse(""),
            p.describe().contains("\n") ? p.describe() : "");
      }
    } else if (r.chain().isEmpty()) {
      add(Severity.INFO, "no-certificate-seen", "no certificate chain could be read", "");
    }
    Instant now = Instant.now();
    for (X509Certificate c : r.chain()) {
      Instant end = c.getNotAfter().toInstant();
      if (end.isAfter(now) && end.isBefore(now.plus(EXPIRY_WARNING))) {
        add(Severity.MEDIUM, "certificate-expiring", "certificate expires in "
            + Duration.between(now, end).toDays() + " days", Certs.subject(c) + " expires " + end);
      }
    }
  }

  private void features() {
    if (Boolean.FALSE.equals(r.ocspStapled())) add(Severity.INFO, "no-ocsp-stapling", "no OCSP response stapled", "");
    r.resumption().forEach((v, ok) -> {
      if (!ok) add(Severity.INFO, "no-resumption", v.display() + " sessions are not resumed", "");
    });
    if (r.target().starttls() == Starttls.FTP) ftpsDataReuse();
    if (r.starttls() != null && r.starttls().offered()
        && (!r.starttls().added().isEmpty() || !r.starttls().removed().isEmpty())) {
      add(Severity.INFO, "starttls-capabilities-changed", "capabilities change after the TLS upgrade",
          "added " + r.starttls().added() + ", removed " + r.starttls().removed());
    }
  }

  /**
   * FTPS: a data connection proves it belongs to the control connection by resuming its TLS session (RFC 4217
   * section 10.2); vsftpd and ProFTPD require that by default. A version in which the server issues nothing to resume
   * with (TLS 1.3 without session tickets, as pure-ftpd 1.0.50) defeats that reuse. A session issued but not resumed
   * by a new connection is no sign: forking servers keep sessions per process, and the data connection is served by
   * the control connection's.
   */
  private void ftpsDataReuse() {
    List<String> none = r.resumable().entrySet().stream().filter(e -> !e.getValue() && !r.resumption().get(e.getKey()))
        .map(e -> e.getKey().display()).toList();
    if (none.isEmpty()) return;
    List<String> some = r.resumable().keySet().stream().map(TlsVersion::display).filter(v -> !none.contains(v)).toList();
    if (some.isEmpty()) {
      add(Severity.MEDIUM, "ftps-data-reuse", "FTPS data connections cannot resume the control connection's TLS"
          + " session (" + String.join(", ", none) + ": no session issued)", "a server that requires session reuse"
          + " (vsftpd's and ProFTPD's default) refuses every data connection, and without reuse nothing ties a data"
          + " connection to the control connection");
    } else {
      add(Severity.LOW, "ftps-data-reuse", "FTPS data connections over " + String.join(", ", none)
          + " cannot resume the control connection's TLS session (no session issued)", "sessions can be reused over "
          + String.join(", ", some) + " only; over " + String.join(", ", none) + " clients transfer without reuse"
          + " (pure-ftpd issues no TLS 1.3 session tickets), and a server that required reuse would refuse their"
          + " data connections");
    }
  }

  private void verdict() {
    sort();
    Severity worst = Finding.worst(findings);
    if (r.incomplete() != null) verdict = ProbeReport.Verdict.INCOMPLETE;
    else if (worst == null || worst.compareTo(Severity.LOW) <= 0) verdict = ProbeReport.Verdict.GOOD;
    else if (worst == Severity.MEDIUM) verdict = ProbeReport.Verdict.WEAK;
    else verdict = ProbeReport.Verdict.BAD;
  }

  private void sort() {
    findings.sort(Comparator.comparing(Finding::severity).reversed());
  }

  private void add(Severity s, String id, String title, String detail) {
    findings.add(new Finding(s, id, title, detail));
  }

  private static String names(List<CipherSuite> suites) {
    return suites.stream().map(CipherSuite::name).collect(Collectors.joining(", "));
  }
}
