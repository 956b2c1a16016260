package dev.tlskit.probe;

import dev.tlskit.ValidationReport;
import dev.tlskit.internal.trust.Certs;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes a {@link ProbeReport} as the text report {@code tlskit probe} prints: the target, STARTTLS capabilities,
 * protocols and suites, groups, features, certificates, findings, notes and the verdict.
 */
public final class ProbeText {
  private ProbeText() {}

  /** Returns the text report of {@code r}, one line per fact, ending with the verdict and a newline. */
  public static String render(ProbeReport r) {
    StringBuilder sb = new StringBuilder();
    Target target = r.target();
    sb.append("Probe of ").append(target.address());
    if (!target.peerName().equals(target.host())) sb.append(" as ").append(target.peerName());
    if (target.starttls() != null) sb.append(" (STARTTLS ").append(target.starttls()).append(')');
    sb.append(": ").append(r.handshakes()).append(" handshakes in ").append(r.duration().toMillis()).append(" ms");
    if (r.retries() > 0) sb.append(" (").append(r.retries()).append(" retried: the server was busy)");
    sb.append('\n');
    starttls(sb, r.starttls());
    protocols(sb, r.versions());
    groups(sb, r);
    features(sb, r);
    certificates(sb, r.chain(), r.validation());
    ProbeReport.Incomplete incomplete = r.incomplete();
    if (incomplete != null) {
      sb.append("\nINCOMPLETE: the server kept turning the probe away (").append(incomplete.reason())
          .append(")\n  not completed: ")
          .append(incomplete.checks().stream().map(ProbeReport.Check::title).collect(Collectors.joining("; ")))
          .append("\n  the findings below come only from the checks that completed\n");
    }
    sb.append("\nFindings:\n");
    if (r.findings().isEmpty()) sb.append("  none\n");
    r.findings().forEach(f -> sb.append("  ").append(finding(f)).append('\n'));
    r.notes().forEach(n -> sb.append("  note: ").append(n).append('\n'));
    sb.append("\nVerdict: ").append(r.verdict()).append('\n');
    return sb.toString();
  }

  private static void starttls(StringBuilder sb, ProbeReport.StarttlsResult starttls) {
    if (starttls == null) return;
    sb.append("\nSTARTTLS: ").append(starttls.offered() ? "offered" : "NOT offered").append('\n');
    sb.append("  before TLS: ").append(starttls.before()).append('\n');
    if (starttls.offered()) {
      sb.append("  after TLS:  ").append(starttls.after() == null ? "unknown" : starttls.after()).append('\n');
      if (!starttls.added().isEmpty()) sb.append("  added:      ").append(starttls.added()).append('\n');
      if (!starttls.removed().isEmpty()) sb.append("  removed:    ").append(starttls.removed()).append('\n');
    }
  }

  private static void protocols(StringBuilder sb, List<ProbeReport.VersionResult> versions) {
    if (!versions.isEmpty()) sb.append("\nProtocols:\n");
    for (ProbeReport.VersionResult v : versions) {
      sb.append(String.format("  %-8s %s%n", v.version().display(),
          v.accepted() ? "accepted" : "refused (" + v.refusal() + ")"));
      if (v.accepted()) {
        sb.append("    order: ").append(v.serverOrder() == null ? "unknown (one suite)"
            : v.serverOrder() ? "server enforces its order" : "client's order").append('\n');
        for (CipherSuite s : v.suites()) {
          sb.append(String.format("    %-48s%s%n", s.name(), (s.forwardSecret() ? "" : " no-FS")
              + (s.aead() ? "" : " no-AEAD")));
        }
      }
    }
  }

  private static void groups(StringBuilder sb, ProbeReport r) {
    if (r.groupsTls13().isEmpty() && r.groupsTls12().isEmpty() && r.dhBits() <= 0) return;
    sb.append("\nGroups:\n");
    if (!r.groupsTls13().isEmpty()) sb.append("  TLS 1.3: ").append(names(r.groupsTls13())).append('\n');
    if (!r.groupsTls12().isEmpty()) sb.append("  TLS 1.2: ").append(names(r.groupsTls12())).append('\n');
    if (r.dhBits() > 0) sb.append("  DHE:     ").append(r.dhBits()).append("-bit prime\n");
    if (r.postQuantum() != null) {
      sb.append("  post-quantum hybrid (X25519MLKEM768 and kin, complete handshake): ").append(yesNo(r.postQuantum()))
          .append('\n');
    }
  }

  private static void features(StringBuilder sb, ProbeReport r) {
    sb.append("\nFeatures:\n");
    if (r.negotiatedProtocol() != null) {
      sb.append("  negotiated (TLS 1.3/1.2 client): ").append(r.negotiatedProtocol()).append(' ')
          .append(r.negotiatedSuite()).append('\n');
    }
    ProbeReport.AlpnResult alpn = r.alpn();
    if (alpn != null) {
      sb.append("  ALPN:        ").append(alpn.accepted().isEmpty() ? "none of " + alpn.offered()
          : alpn.accepted() + (alpn.selectedFromAll() == null ? "" : ", prefers " + alpn.selectedFromAll()))
          .append('\n');
    }
    r.resumption().forEach((v, ok) -> sb.append("  resumption:  ").append(v.display()).append(ok ? " yes" : " no")
        .append(ok ? "" : whyNotResumed(v, r.resumable().get(v)))
        .append(v == TlsVersion.TLS_1_2 ? tls12Offer(r.tls12SessionId(), r.tls12Ticket()) : "")
        .append('\n'));
    sb.append("  OCSP staple: ").append(yesNo(r.ocspStapled())).append('\n');
    sb.append("  secure renegotiation (TLS <= 1.2): ").append(yesNo(r.secureRenegotiation())).append('\n');
    sb.append("  extended master secret (TLS <= 1.2): ").append(yesNo(r.extendedMasterSecret())).append('\n');
  }

  /** Returns why a version's session was not resumed, from whether the server issued one (null: unknown). */
  private static String whyNotResumed(TlsVersion v, Boolean issued) {
    if (issued == null) return "";
    if (issued) return " (a session was issued; a new connection did not resume it)";
    return v == TlsVersion.TLS_1_3 ? " (no session ticket issued)" : " (no session ID or ticket issued)";
  }

  /** Returns what the first TLS 1.2 ServerHello offered to resume with ("[session ID, ticket offered]"), or "". */
  private static String tls12Offer(Boolean sessionId, Boolean ticket) {
    if (sessionId == null || !(sessionId || ticket)) return "";
    return (sessionId ? " [session ID" : " [") + (sessionId && ticket ? ", " : "") + (ticket ? "ticket" : "")
        + " offered]";
  }

  private static void certificates(StringBuilder sb, List<X509Certificate> chain, ValidationReport validation) {
    if (chain.isEmpty()) return;
    sb.append("\nCertificates:\n");
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      sb.append("  ").append(i).append(' ').append(Certs.subject(c)).append('\n');
      sb.append("      issuer:   ").append(Certs.issuer(c)).append('\n');
      sb.append("      valid:    ").append(c.getNotBefore().toInstant()).append(" .. ")
          .append(c.getNotAfter().toInstant()).append(" (").append(CertificateFacts.daysLeft(c))
          .append(" days left)\n");
      sb.append("      key:      ").append(Certs.keyType(c.getPublicKey())).append(' ')
          .append(Certs.keyBits(c.getPublicKey())).append(" bits, signed ").append(c.getSigAlgName()).append('\n');
      List<String> sans = CertificateFacts.subjectAltNames(c);
      if (!sans.isEmpty()) sb.append("      names:    ").append(String.join(", ", sans)).append('\n');
    }
    if (validation != null) {
      sb.append("  trust: ").append(validation.trusted() ? "TRUSTED" : "NOT TRUSTED").append(" for ")
          .append(validation.expectedName()).append('\n');
      validation.problems().forEach(p -> sb.append("    ").append(p.describe()).append('\n'));
    }
  }

  /** Returns one finding as a line: severity, title, and the detail in parentheses. */
  static String finding(Finding f) {
    return String.format("%-8s %s%s", f.severity(), f.title(), f.detail().isEmpty() ? "" : " (" + f.detail() + ")");
  }

  private static List<String> names(List<NamedGroup> groups) {
    return groups.stream().map(NamedGroup::name).toList();
  }

  private static String yesNo(Boolean b) {
    return b == null ? "unknown" : b ? "yes" : "no";
  }
}
