package dev.tlskit;

import dev.tlskit.internal.json.JsonWriter;
import dev.tlskit.internal.trust.Certs;
import dev.tlskit.internal.trust.ReportingTrustManager;
import java.lang.reflect.RecordComponent;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Describes how a peer's certificate chain was judged: the chain the peer presented, the chain built to a trust
 * anchor (empty when none could be built), every problem found, warnings that did not fail validation (a soft-failed
 * revocation check), and the verdict. A report with no problems is a pass.
 *
 * <p>The same report is produced on the client (judging a server, {@code expectedName} set) and on the server
 * (judging a client certificate, {@code expectedName} null). It is available after a successful handshake through
 * {@link SecurityInfo#validation()} and after a failed one through {@link TlsSecurityException#report()}.
 */
public record ValidationReport(
    String expectedName, List<X509Certificate> presented, List<X509Certificate> built,
    List<CertificateProblem> problems, List<CertificateProblem> warnings, Verdict verdict) {

  /** What was decided. */
  public enum Verdict {
    /** No problem: the peer is trusted. */
    TRUSTED,
    /** At least one problem: the connection was refused. */
    REJECTED,
    /**
     * Problems were found and a {@code dangerous()} override accepted the peer anyway. The connection is not
     * authenticated.
     */
    ACCEPTED_DANGEROUSLY
  }

  public ValidationReport {
    presented = List.copyOf(presented);
    built = List.copyOf(built);
    problems = List.copyOf(problems);
    warnings = List.copyOf(warnings);
    Objects.requireNonNull(verdict, "verdict");
    if (verdict == Verdict.TRUSTED && !problems.isEmpty()) {
      throw new IllegalArgumentException("a report with problems cannot be TRUSTED: " + problems);
    }
  }

  /** Creates a report whose verdict follows from its problems, without warnings. */
  public ValidationReport(String expectedName, List<X509Certificate> presented, List<X509Certificate> built,
      List<CertificateProblem> problems) {
    this(expectedName, presented, built, problems, List.of(),
        problems.isEmpty() ? Verdict.TRUSTED : Verdict.REJECTED);
  }

  /** Returns true when no problem was found. */
  public boolean trusted() {
    return problems.isEmpty();
  }

  /** Returns true when the connection was allowed: trusted, or accepted by a dangerous override. */
  public boolean accepted() {
    return verdict != Verdict.REJECTED;
  }

  /** Returns the report with another verdict (used by validation callbacks and dangerous overrides). */
  public ValidationReport withVerdict(Verdict newVerdict) {
    return new ValidationReport(expectedName, presented, built, problems, warnings, newVerdict);
  }

  /** Returns the report with one more problem, and so REJECTED. */
  public ValidationReport withProblem(CertificateProblem problem) {
    List<CertificateProblem> all = new ArrayList<>(problems);
    all.add(problem);
    return new ValidationReport(expectedName, presented, built, all, warnings, Verdict.REJECTED);
  }

  /**
   * Returns the report carried by a failure anywhere in {@code failure}'s cause chain (suppressed exceptions included):
   * the {@link TlsSecurityException} of a TlsKit connection, or the rejection that a policy's trust manager ({@link
   * TlsPolicy#trustManager()}, {@link TlsPolicy#sslContext()}) threw inside another library's handshake (the JDK
   * {@code HttpClient}, OkHttp, Netty, Jakarta Mail, ...). Empty when the failure holds no TlsKit judgement.
   */
  public static Optional<ValidationReport> of(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<Throwable> todo = new ArrayDeque<>();
    if (failure != null) todo.add(failure);
    while (!todo.isEmpty() && seen.size() < 64) {
      Throwable t = todo.poll();
      if (!seen.add(t)) continue;
      if (t instanceof TlsSecurityException s && s.report().isPresent()) return s.report();
      if (t instanceof ReportingTrustManager.RejectedException r) return Optional.of(r.report());
      if (t.getCause() != null) todo.add(t.getCause());
      todo.addAll(List.of(t.getSuppressed()));
    }
    return Optional.empty();
  }

  /** Returns one line per problem, for error messages. */
  public String problemSummary() {
    List<String> lines = new ArrayList<>();
    for (CertificateProblem p : problems) lines.add(p.describe());
    return String.join("; ", lines);
  }

  /** Returns a multi-line human-readable description. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append("Validation: ").append(verdict);
    if (expectedName != null) sb.append(" for ").append(expectedName);
    sb.append('\n');
    sb.append("  presented chain:\n");
    chain(sb, presented);
    sb.append("  built chain:").append(built.isEmpty() ? " (none)\n" : "\n");
    chain(sb, built);
    for (CertificateProblem p : problems) sb.append("  PROBLEM: ").append(p.describe()).append('\n');
    for (CertificateProblem p : warnings) sb.append("  warning: ").append(p.describe()).append('\n');
    return sb.toString();
  }

  private static void chain(StringBuilder sb, List<X509Certificate> chain) {
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      sb.append("    ").append(i).append(' ').append(Certs.subject(c)).append('\n')
          .append("      issuer ").append(Certs.issuer(c)).append(", valid ")
          .append(c.getNotBefore().toInstant()).append(" .. ").append(c.getNotAfter().toInstant()).append('\n')
          .append("      ").append(Certs.spkiPin(c)).append('\n');
    }
  }

  /** Returns the report as a JSON object. */
  public String toJson() {
    return JsonWriter.toJson(jsonTree());
  }

  /** Returns the report as nested maps and lists, for embedding in larger JSON documents. */
  public Map<String, Object> jsonTree() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("verdict", verdict);
    m.put("trusted", trusted());
    m.put("expectedName", expectedName);
    m.put("presented", presented.stream().map(Certs::summary).toList());
    m.put("built", built.stream().map(Certs::summary).toList());
    m.put("problems", problems.stream().map(ValidationReport::problemTree).toList());
    m.put("warnings", warnings.stream().map(ValidationReport::problemTree).toList());
    return m;
  }

  private static Map<String, Object> problemTree(CertificateProblem p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", p.kind());
    m.put("description", p.describe());
    for (RecordComponent rc : p.getClass().getRecordComponents()) {
      try {
        m.put(rc.getName(), rc.getAccessor().invoke(p));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("record accessor failed: " + rc, e);
      }
    }
    return m;
  }
}
