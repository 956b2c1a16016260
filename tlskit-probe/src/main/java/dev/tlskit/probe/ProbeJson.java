package dev.tlskit.probe;

import dev.tlskit.internal.json.JsonWriter;
import dev.tlskit.internal.trust.Certs;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link ProbeReport} as the {@code --json} document: one object, schema {@code tlskit-probe/1}, every field
 * described in docs/probe.md; and the document of a probe that could not run.
 */
public final class ProbeJson {
  /** The version of the document's layout; bumped on incompatible changes. */
  static final int SCHEMA_VERSION = 1;

  private ProbeJson() {}

  /** Returns the {@code --json} document of {@code report}. */
  public static String toJson(ProbeReport report) {
    return JsonWriter.toJson(tree(report));
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

  /** Returns the {@code --json} document of {@code report} as nested maps and lists, in the document's order. */
  public static Map<String, Object> tree(ProbeReport r) {
    Map<String, Object> m = head(r.target());
    m.put("started", r.started());
    m.put("durationMillis", r.duration().toMillis());
    m.put("handshakes", r.handshakes());
    m.put("complete", r.complete());
    m.put("retries", r.retries());
    m.put("incomplete", r.incomplete() == null ? null : incomplete(r.incomplete()));
    m.put("notes", r.notes());
    m.put("verdict", r.verdict());
    m.put("worstSeverity", r.worstSeverity());
    m.put("findings", r.findings().stream().map(ProbeJson::finding).toList());
    m.put("starttls", r.starttls() == null ? null : starttls(r.starttls()));
    m.put("versions", r.versions().stream().map(ProbeJson::version).toList());
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("tls13", groupNames(r.groupsTls13()));
    g.put("tls12", groupNames(r.groupsTls12()));
    g.put("dhBits", r.dhBits() < 0 ? null : r.dhBits());
    g.put("postQuantum", r.postQuantum());
    m.put("groups", g);
    m.put("alpn", r.alpn() == null ? null : alpn(r.alpn()));
    Map<String, Object> resumption = new LinkedHashMap<>();
    r.resumption().forEach((v, ok) -> resumption.put(v.display(), ok));
    m.put("resumption", resumption);
    Map<String, Object> issued = new LinkedHashMap<>();
    r.resumable().entrySet().stream().sorted(Map.Entry.<TlsVersion, Boolean>comparingByKey().reversed())
        .forEach(e -> issued.put(e.getKey().display(), e.getValue()));
    m.put("resumableSessions", issued);
    Map<String, Object> offer = new LinkedHashMap<>();
    offer.put("sessionId", r.tls12SessionId());
    offer.put("ticket", r.tls12Ticket());
    m.put("tls12SessionOffer", r.tls12SessionId() == null ? null : offer);
    m.put("ocspStapling", r.ocspStapled());
    m.put("secureRenegotiation", r.secureRenegotiation());
    m.put("extendedMasterSecret", r.extendedMasterSecret());
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("protocol", r.negotiatedProtocol());
    n.put("cipherSuite", r.negotiatedSuite());
    m.put("negotiated", r.negotiatedProtocol() == null ? null : n);
    m.put("certificates", r.chain().stream().map(ProbeJson::certificate).toList());
    m.put("validation", r.validation() == null ? null : r.validation().jsonTree());
    return m;
  }

  private static Map<String, Object> head(Target target) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema", "tlskit-probe/" + SCHEMA_VERSION);
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("host", target.host());
    t.put("port", target.port());
    t.put("peerName", target.peerName());
    t.put("starttls", target.starttls() == null ? null : target.starttls().name().toLowerCase(Locale.ROOT));
    m.put("target", t);
    return m;
  }

  private static Map<String, Object> incomplete(ProbeReport.Incomplete incomplete) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cause", incomplete.cause());
    m.put("reason", incomplete.reason());
    m.put("checks", incomplete.checks().stream().map(ProbeReport.Check::id).toList());
    return m;
  }

  private static Map<String, Object> starttls(ProbeReport.StarttlsResult starttls) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("offered", starttls.offered());
    m.put("capabilitiesBefore", starttls.before());
    m.put("capabilitiesAfter", starttls.after());
    m.put("added", starttls.added());
    m.put("removed", starttls.removed());
    return m;
  }

  private static Map<String, Object> alpn(ProbeReport.AlpnResult alpn) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("offered", alpn.offered());
    m.put("accepted", alpn.accepted());
    m.put("selectedFromAll", alpn.selectedFromAll());
    return m;
  }

  private static Map<String, Object> finding(Finding f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("severity", f.severity());
    m.put("id", f.id());
    m.put("title", f.title());
    m.put("detail", f.detail());
    return m;
  }

  private static Map<String, Object> version(ProbeReport.VersionResult v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", v.version().display());
    m.put("accepted", v.accepted());
    m.put("refusal", v.refusal());
    m.put("cipherSuites", v.suites().stream().map(ProbeJson::suite).toList());
    m.put("serverOrder", v.serverOrder());
    return m;
  }

  private static Map<String, Object> suite(CipherSuite s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("code", String.format("0x%04X", s.code()));
    m.put("forwardSecret", s.forwardSecret());
    m.put("aead", s.aead());
    return m;
  }

  private static Map<String, Object> certificate(X509Certificate c) {
    Map<String, Object> m = new LinkedHashMap<>(Certs.summary(c));
    m.put("subjectAltNames", CertificateFacts.subjectAltNames(c));
    m.put("daysLeft", CertificateFacts.daysLeft(c));
    return m;
  }

  private static List<String> groupNames(List<NamedGroup> groups) {
    return groups.stream().map(NamedGroup::name).toList();
  }
}
