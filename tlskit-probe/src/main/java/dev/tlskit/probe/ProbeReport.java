package dev.tlskit.probe;

import dev.tlskit.ValidationReport;
import dev.tlskit.internal.json.JsonWriter;
import dev.tlskit.internal.trust.Certs;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a probe learned about one endpoint, the findings drawn from it, and the verdict. Filled in by
 * {@link Prober}; read-only to everyone else. {@link #jsonTree()} is the {@code --json} document (schema in
 * docs/probe.md, version {@link #SCHEMA_VERSION}); {@link #toString()} the text report.
 */
public final class ProbeReport {
  /** The version of the JSON document's layout; bumped on incompatible changes. */
  public static final int SCHEMA_VERSION = 1;

  /** The overall judgement. */
  public enum Verdict {
    /** No finding above LOW. */
    GOOD,
    /** The worst finding is MEDIUM. */
    WEAK,
    /** At least one HIGH or CRITICAL finding (an untrusted certificate is one). */
    BAD,
    /** No TLS version was accepted: the port refused every hello. */
    NO_TLS,
    /**
     * The server kept turning the probe away (busy replies, refused or dropped connections) before every check was
     * done; {@link #incomplete()} says which checks and why. Never a security judgement.
     */
    INCOMPLETE
  }

  /** The checks of a probe, in the order they run; a check not done is not judged (see {@link #pending()}). */
  public enum Check {
    STARTTLS("STARTTLS preamble"),
    VERSIONS("protocol versions"),
    SUITES("cipher suites and server order"),
    DHE("DHE parameters"),
    GROUPS("key-exchange groups"),
    HANDSHAKE("complete handshake: certificate chain, OCSP stapling, capabilities after TLS"),
    RESUMPTION("session resumption"),
    ALPN("ALPN");

    private final String title;

    Check(String title) {
      this.title = title;
    }

    /** Returns the JSON id ("versions", "suites", ...). */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Returns what the check finds out, for the text report. */
    public String title() {
      return title;
    }
  }

  /**
   * Why a probe could not finish: the server kept refusing (busy replies) or dropping connections after every retry.
   *
   * @param cause REFUSED (the server said so in its protocol: exit 1) or NETWORK (connections refused, reset,
   *     closed or unanswered: exit 4)
   * @param reason the last refusal, as the server or the network gave it
   * @param checks the checks not completed, in order
   */
  public record Incomplete(Cause cause, String reason, List<Check> checks) {
    /** How the server turned the probe away. */
    public enum Cause {
      /** In its protocol: SMTP/FTP 4xx, IMAP {@code * BYE}, POP3 {@code -ERR}. */
      REFUSED,
      /** Connections refused, reset, closed before TLS, or unanswered. */
      NETWORK
    }

    public Incomplete {
      checks = List.copyOf(checks);
    }
  }

  /** What one protocol version showed. */
  public record VersionResult(TlsVersion version, boolean accepted, String refusal, List<CipherSuite> suites,
      Boolean serverOrder) {
    public VersionResult {
      suites = List.copyOf(suites);
    }

    Map<String, Object> jsonTree() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", version.display());
      m.put("accepted", accepted);
      m.put("refusal", refusal);
      m.put("cipherSuites", suites.stream().map(ProbeReport::suiteTree).toList());
      m.put("serverOrder", serverOrder);
      return m;
    }
  }

  /**
   * What the STARTTLS preamble showed: the capabilities before TLS, and after it ({@code after} is null when no
   * complete handshake succeeded, so they are unknown).
   */
  public record StarttlsResult(Starttls protocol, boolean offered, List<String> before, List<String> after) {
    public StarttlsResult {
      before = List.copyOf(before);
      after = after == null ? null : List.copyOf(after);
    }

    /** Returns the capabilities offered only over TLS; empty when unknown. */
    public List<String> added() {
      return after == null ? List.of() : after.stream().filter(c -> !before.contains(c)).toList();
    }

    /** Returns the capabilities offered only before TLS; empty when unknown. */
    public List<String> removed() {
      return after == null ? List.of() : before.stream().filter(c -> !after.contains(c)).toList();
    }
  }

  /** Which ALPN protocols the server accepted when offered alone, and its choice when offered all of them. */
  public record AlpnResult(List<String> offered, List<String> accepted, String selectedFromAll) {
    public AlpnResult {
      offered = List.copyOf(offered);
      accepted = List.copyOf(accepted);
    }
  }

  Target target;
  Instant started;
  Duration duration = Duration.ZERO;
  int handshakes;
  int retries;
  boolean complete = true;
  final java.util.EnumSet<Check> pending = java.util.EnumSet.allOf(Check.class);
  Incomplete incomplete;
  final List<String> notes = new ArrayList<>();
  StarttlsResult starttls;
  final List<VersionResult> versions = new ArrayList<>();
  final List<NamedGroup> groupsTls13 = new ArrayList<>();
  final List<NamedGroup> groupsTls12 = new ArrayList<>();
  int dhBits = -1;
  AlpnResult alpn;
  final Map<TlsVersion, Boolean> resumption = new LinkedHashMap<>();
  final Map<TlsVersion, Boolean> resumable = new LinkedHashMap<>();
  Boolean tls12SessionId;
  Boolean tls12Ticket;
  Boolean ocspStapled;
  Boolean secureRenegotiation;
  Boolean extendedMasterSecret;
  String negotiatedProtocol;
  String negotiatedSuite;
  List<X509Certificate> chain = List.of();
  ValidationReport validation;
  final List<Finding> findings = new ArrayList<>();
  Verdict verdict = Verdict.GOOD;

  ProbeReport() {}

  public Target target() {
    return target;
  }

  /** Returns the number of handshakes (complete or not) the probe made. */
  public int handshakes() {
    return handshakes;
  }

  /** Returns false when a limit (handshake count or total time) cut the probe short; see {@link #notes()}. */
  public boolean complete() {
    return complete;
  }

  /** Returns how many attempts were repeated because the server turned them away as busy. */
  public int retries() {
    return retries;
  }

  /** Returns the checks not done (cut short by a limit or a server that kept refusing); empty when complete. */
  public java.util.Set<Check> pending() {
    return java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(pending));
  }

  /** Returns why the server kept the probe from finishing, or null when it did not. */
  public Incomplete incomplete() {
    return incomplete;
  }

  /** Returns remarks on what could not be determined and why. */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  /** Returns the STARTTLS result, or null for implicit TLS. */
  public StarttlsResult starttls() {
    return starttls;
  }

  /** Returns one result per version tried, newest first. */
  public List<VersionResult> versions() {
    return List.copyOf(versions);
  }

  /** Returns the result for one version, or null when it was not tried. */
  public VersionResult version(TlsVersion v) {
    return versions.stream().filter(r -> r.version() == v).findFirst().orElse(null);
  }

  /** Returns the versions the server accepted, newest first. */
  public List<TlsVersion> acceptedVersions() {
    return versions.stream().filter(VersionResult::accepted).map(VersionResult::version).toList();
  }

  /** Returns every suite accepted under any version. */
  public List<CipherSuite> acceptedSuites() {
    return versions.stream().flatMap(v -> v.suites().stream()).distinct().toList();
  }

  public List<NamedGroup> groupsTls13() {
    return List.copyOf(groupsTls13);
  }

  public List<NamedGroup> groupsTls12() {
    return List.copyOf(groupsTls12);
  }

  /** Returns the DHE prime size in bits, or -1 when no DHE suite was accepted. */
  public int dhBits() {
    return dhBits;
  }

  /** Returns the ALPN result, or null when no complete handshake succeeded. */
  public AlpnResult alpn() {
    return alpn;
  }

  /** Returns, per version tried with a complete handshake, whether a second handshake resumed the session. */
  public Map<TlsVersion, Boolean> resumption() {
    return Map.copyOf(resumption);
  }

  /**
   * Returns, per version, whether the server gives a client a session to resume with: for TLS 1.3 a NewSessionTicket
   * after the complete handshake; for TLS 1.2 a session ID, or the session_ticket extension echoed to a raw hello. A server that forks per connection may issue one that
   * only its own process can resume: then {@link #resumption()} is false, but an FTPS data connection, served by the
   * same process, can still reuse the session.
   */
  public Map<TlsVersion, Boolean> resumable() {
    return Map.copyOf(resumable);
  }

  /** Returns whether a TLS 1.2 ServerHello carried a session ID (resumption by ID offered), or null when unseen. */
  public Boolean tls12SessionId() {
    return tls12SessionId;
  }

  /** Returns whether a TLS 1.2 ServerHello promised a session ticket (RFC 5077), or null when unseen. */
  public Boolean tls12Ticket() {
    return tls12Ticket;
  }

  /** Returns whether the server stapled an OCSP response, or null when unknown. */
  public Boolean ocspStapled() {
    return ocspStapled;
  }

  /** Returns whether TLS 1.2-and-older hellos were answered with renegotiation_info, or null when not seen. */
  public Boolean secureRenegotiation() {
    return secureRenegotiation;
  }

  /** Returns whether TLS 1.2-and-older hellos were answered with extended_master_secret, or null when not seen. */
  public Boolean extendedMasterSecret() {
    return extendedMasterSecret;
  }

  /** Returns the certificate chain as presented, leaf first; empty when none was seen. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** Returns how the chain was judged against the chosen trust anchors and name, or null without a chain. */
  public ValidationReport validation() {
    return validation;
  }

  /** Returns the findings, worst first. */
  public List<Finding> findings() {
    return List.copyOf(findings);
  }

  public Verdict verdict() {
    return verdict;
  }

  /** Returns the worst severity found, or null without findings. */
  public Finding.Severity worstSeverity() {
    return findings.stream().map(Finding::severity).max(Comparator.naturalOrder()).orElse(null);
  }

  /**
   * Returns the {@code --json} document of a probe that could not run: schema, target, {@code verdict} (for example
   * "UNREACHABLE") and {@code error}.
   */
  public static String errorJson(Target target, String verdict, String error) {
    Map<String, Object> m = head(target);
    m.put("verdict", verdict);
    m.put("error", error);
    return JsonWriter.toJson(m);
  }

  private static Map<String, Object> head(Target target) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema", "tlskit-probe/" + SCHEMA_VERSION);
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("host", target.host());
    t.put("port", target.port());
    t.put("peerName", target.peerName());
    t.put("starttls", target.starttls() == null ? null : target.starttls().name().toLowerCase(java.util.Locale.ROOT));
    m.put("target", t);
    return m;
  }

  /** Returns the {@code --json} document as nested maps and lists. */
  public Map<String, Object> jsonTree() {
    Map<String, Object> m = head(target);
    m.put("started", started);
    m.put("durationMillis", duration.toMillis());
    m.put("handshakes", handshakes);
    m.put("complete", complete);
    m.put("retries", retries);
    if (incomplete != null) {
      Map<String, Object> i = new LinkedHashMap<>();
      i.put("cause", incomplete.cause());
      i.put("reason", incomplete.reason());
      i.put("checks", incomplete.checks().stream().map(Check::id).toList());
      m.put("incomplete", i);
    } else {
      m.put("incomplete", null);
    }
    m.put("notes", notes);
    m.put("verdict", verdict);
    m.put("worstSeverity", worstSeverity());
    m.put("findings", findings.stream().map(Finding::jsonTree).toList());
    if (starttls != null) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("offered", starttls.offered());
      s.put("capabilitiesBefore", starttls.before());
      s.put("capabilitiesAfter", starttls.after());
      s.put("added", starttls.added());
      s.put("removed", starttls.removed());
      m.put("starttls", s);
    } else {
      m.put("starttls", null);
    }
    m.put("versions", versions.stream().map(VersionResult::jsonTree).toList());
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("tls13", names(groupsTls13));
    g.put("tls12", names(groupsTls12));
    g.put("dhBits", dhBits < 0 ? null : dhBits);
    m.put("groups", g);
    if (alpn != null) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("offered", alpn.offered());
      a.put("accepted", alpn.accepted());
      a.put("selectedFromAll", alpn.selectedFromAll());
      m.put("alpn", a);
    } else {
      m.put("alpn", null);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    resumption.forEach((v, ok) -> r.put(v.display(), ok));
    m.put("resumption", r);
    Map<String, Object> issued = new LinkedHashMap<>();
    resumable.entrySet().stream().sorted(Map.Entry.<TlsVersion, Boolean>comparingByKey().reversed())
        .forEach(e -> issued.put(e.getKey().display(), e.getValue()));
    m.put("resumableSessions", issued);
    if (tls12SessionId != null) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("sessionId", tls12SessionId);
      t.put("ticket", tls12Ticket);
      m.put("tls12SessionOffer", t);
    } else {
      m.put("tls12SessionOffer", null);
    }
    m.put("ocspStapling", ocspStapled);
    m.put("secureRenegotiation", secureRenegotiation);
    m.put("extendedMasterSecret", extendedMasterSecret);
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("protocol", negotiatedProtocol);
    n.put("cipherSuite", negotiatedSuite);
    m.put("negotiated", negotiatedProtocol == null ? null : n);
    m.put("certificates", chain.stream().map(ProbeReport::certificateTree).toList());
    m.put("validation", validation == null ? null : validation.jsonTree());
    return m;
  }

  /** Returns the {@code --json} document. */
  public String toJson() {
    return JsonWriter.toJson(jsonTree());
  }

  static Map<String, Object> suiteTree(CipherSuite s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("code", String.format("0x%04X", s.code()));
    m.put("forwardSecret", s.forwardSecret());
    m.put("aead", s.aead());
    return m;
  }

  static Map<String, Object> certificateTree(X509Certificate c) {
    Map<String, Object> m = new LinkedHashMap<>(Certs.summary(c));
    m.put("subjectAltNames", subjectAltNames(c));
    m.put("daysLeft", Duration.between(Instant.now(), c.getNotAfter().toInstant()).toDays());
    return m;
  }

  /** Returns the DNS names and IP addresses of a certificate's subjectAltName extension. */
  static List<String> subjectAltNames(X509Certificate c) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> sans = c.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == 2 || type == 7) out.add((type == 7 ? "IP:" : "DNS:") + san.get(1));
        }
      }
    } catch (CertificateParsingException e) {
      out.add("(unparseable: " + e.getMessage() + ")");
    }
    return out;
  }

  private static List<String> names(List<NamedGroup> groups) {
    return groups.stream().map(NamedGroup::name).toList();
  }

  /** Returns the text report. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append("Probe of ").append(target.address());
    if (!target.peerName().equals(target.host())) sb.append(" as ").append(target.peerName());
    if (target.starttls() != null) sb.append(" (STARTTLS ").append(target.starttls()).append(')');
    sb.append(": ").append(handshakes).append(" handshakes in ").append(duration.toMillis()).append(" ms");
    if (retries > 0) sb.append(" (").append(retries).append(" retried: the server was busy)");
    sb.append('\n');
    if (starttls != null) {
      sb.append("\nSTARTTLS: ").append(starttls.offered() ? "offered" : "NOT offered").append('\n');
      sb.append("  before TLS: ").append(starttls.before()).append('\n');
      if (starttls.offered()) {
        sb.append("  after TLS:  ").append(starttls.after() == null ? "unknown" : starttls.after()).append('\n');
        if (!starttls.added().isEmpty()) sb.append("  added:      ").append(starttls.added()).append('\n');
        if (!starttls.removed().isEmpty()) sb.append("  removed:    ").append(starttls.removed()).append('\n');
      }
    }
    if (!versions.isEmpty()) sb.append("\nProtocols:\n");
    for (VersionResult v : versions) {
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
    if (!groupsTls13.isEmpty() || !groupsTls12.isEmpty() || dhBits > 0) {
      sb.append("\nGroups:\n");
      if (!groupsTls13.isEmpty()) sb.append("  TLS 1.3: ").append(names(groupsTls13)).append('\n');
      if (!groupsTls12.isEmpty()) sb.append("  TLS 1.2: ").append(names(groupsTls12)).append('\n');
      if (dhBits > 0) sb.append("  DHE:     ").append(dhBits).append("-bit prime\n");
    }
    sb.append("\nFeatures:\n");
    if (negotiatedProtocol != null) {
      sb.append("  negotiated (TLS 1.3/1.2 client): ").append(negotiatedProtocol).append(' ')
          .append(negotiatedSuite).append('\n');
    }
    if (alpn != null) {
      sb.append("  ALPN:        ").append(alpn.accepted().isEmpty() ? "none of " + alpn.offered()
          : alpn.accepted() + (alpn.selectedFromAll() == null ? "" : ", prefers " + alpn.selectedFromAll()))
          .append('\n');
    }
    resumption.forEach((v, ok) -> sb.append("  resumption:  ").append(v.display()).append(ok ? " yes" : " no")
        .append(ok || resumable.get(v) == null ? "" : resumable.get(v)
            ? " (a session was issued; a new connection did not resume it)"
            : v == TlsVersion.TLS_1_3 ? " (no session ticket issued)" : " (no session ID or ticket issued)")
        .append(v == TlsVersion.TLS_1_2 && tls12SessionId != null && (tls12SessionId || tls12Ticket)
            ? (tls12SessionId ? " [session ID" : " [") + (tls12SessionId && tls12Ticket ? ", " : "")
                + (tls12Ticket ? "ticket" : "") + " offered]" : "")
        .append('\n'));
    sb.append("  OCSP staple: ").append(yesNo(ocspStapled)).append('\n');
    sb.append("  secure renegotiation (TLS <= 1.2): ").append(yesNo(secureRenegotiation)).append('\n');
    sb.append("  extended master secret (TLS <= 1.2): ").append(yesNo(extendedMasterSecret)).append('\n');
    if (!chain.isEmpty()) {
      sb.append("\nCertificates:\n");
      for (int i = 0; i < chain.size(); i++) {
        X509Certificate c = chain.get(i);
        sb.append("  ").append(i).append(' ').append(Certs.subject(c)).append('\n');
        sb.append("      issuer:   ").append(Certs.issuer(c)).append('\n');
        sb.append("      valid:    ").append(c.getNotBefore().toInstant()).append(" .. ")
            .append(c.getNotAfter().toInstant()).append(" (")
            .append(Duration.between(Instant.now(), c.getNotAfter().toInstant()).toDays()).append(" days left)\n");
        sb.append("      key:      ").append(Certs.keyType(c.getPublicKey())).append(' ')
            .append(Certs.keyBits(c.getPublicKey())).append(" bits, signed ").append(c.getSigAlgName()).append('\n');
        List<String> sans = subjectAltNames(c);
        if (!sans.isEmpty()) sb.append("      names:    ").append(String.join(", ", sans)).append('\n');
      }
      if (validation != null) {
        sb.append("  trust: ").append(validation.trusted() ? "TRUSTED" : "NOT TRUSTED").append(" for ")
            .append(validation.expectedName()).append('\n');
        validation.problems().forEach(p -> sb.append("    ").append(p.describe()).append('\n'));
      }
    }
    if (incomplete != null) {
      sb.append("\nINCOMPLETE: the server kept turning the probe away (").append(incomplete.reason())
          .append(")\n  not completed: ")
          .append(incomplete.checks().stream().map(Check::title).collect(java.util.stream.Collectors.joining("; ")))
          .append("\n  the findings below come only from the checks that completed\n");
    }
    sb.append("\nFindings:\n");
    if (findings.isEmpty()) sb.append("  none\n");
    findings.forEach(f -> sb.append("  ").append(f).append('\n'));
    notes.forEach(n -> sb.append("  note: ").append(n).append('\n'));
    sb.append("\nVerdict: ").append(verdict).append('\n');
    return sb.toString();
  }

  private static String yesNo(Boolean b) {
    return b == null ? "unknown" : b ? "yes" : "no";
  }
}
