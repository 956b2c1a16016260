package dev.tlskit.internal.trust;

import dev.tlskit.CertificateProblem;
import dev.tlskit.TlsPolicy;
import dev.tlskit.ValidationCallback;
import dev.tlskit.ValidationReport;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust manager of a {@link TlsPolicy}: judges every chain with {@link ChainValidator}, applies the validation
 * callback and any dangerous override, and keeps the resulting report where the connection can find it (per socket
 * or engine, and as an SSL session value), whether the chain was accepted or not.
 */
public final class ReportingTrustManager extends X509ExtendedTrustManager {
  /** The SSL session value name under which the report is stored. */
  public static final String SESSION_KEY = "dev.tlskit.ValidationReport";

  private static final System.Logger LOG = System.getLogger("dev.tlskit.dangerous");

  private final TlsPolicy policy;
  private final ChainValidator validator;
  private final Map<Object, ValidationReport> reports = Collections.synchronizedMap(new WeakHashMap<>());

  public ReportingTrustManager(TlsPolicy policy) {
    this.policy = policy;
    this.validator = new ChainValidator(policy);
  }

  /** A rejected chain; carries the report to the code that started the handshake. */
  public static final class RejectedException extends CertificateException {
    private static final long serialVersionUID = 1L;
    private final transient ValidationReport report;

    RejectedException(ValidationReport report) {
      super("certificate rejected: " + report.problemSummary());
      this.report = report;
    }

    public ValidationReport report() {
      return report;
    }
  }

  /** Returns and forgets the report of the last handshake on {@code socketOrEngine}, or null when none ran. */
  public ValidationReport takeReport(Object socketOrEngine) {
    return reports.remove(socketOrEngine);
  }

  /** Returns the report stored in a session by this trust manager, or null. */
  public static ValidationReport reportOf(SSLSession session) {
    Object v = session == null ? null : session.getValue(SESSION_KEY);
    return v instanceof ValidationReport r ? r : null;
  }

  /** Judges a chain outside any handshake (for resumed sessions, where no chain is sent again). */
  public ValidationReport judge(List<X509Certificate> chain, String expectedName, ChainValidator.Purpose purpose) {
    return decide(validator.validate(chain, expectedName, purpose, Map.of(), Instant.now()));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    SSLSession hs = socket instanceof SSLSocket s ? s.getHandshakeSession() : null;
    check(chain, ChainValidator.Purpose.SERVER, hs, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, ChainValidator.Purpose.SERVER, engine == null ? null : engine.getHandshakeSession(), engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, ChainValidator.Purpose.SERVER, null, null);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    SSLSession hs = socket instanceof SSLSocket s ? s.getHandshakeSession() : null;
    check(chain, ChainValidator.Purpose.CLIENT, hs, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, ChainValidator.Purpose.CLIENT, engine == null ? null : engine.getHandshakeSession(), engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, ChainValidator.Purpose.CLIENT, null, null);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return policy.trust().certificates().toArray(X509Certificate[]::new);
  }

  private void check(X509Certificate[] chain, ChainValidator.Purpose purpose, SSLSession hs, Object key)
      throws CertificateException {
    List<X509Certificate> presented = chain == null ? List.of() : List.of(chain);
    String expected = purpose == ChainValidator.Purpose.SERVER && hs != null ? hs.getPeerHost() : null;
    ValidationReport report = decide(validator.validate(presented, expected, purpose, stapled(hs, presented),
        Instant.now()));
    if (key != null) reports.put(key, report);
    if (hs != null) {
      try {
        hs.putValue(SESSION_KEY, report);
      } catch (RuntimeException ignored) {
        // a provider without session values: the per-socket record is enough
      }
    }
    if (!report.accepted()) throw new RejectedException(report);
  }

  private ValidationReport decide(ValidationReport report) {
    ValidationCallback cb = policy.validationCallback();
    if (cb != null) {
      boolean ok;
      String detail = "";
      try {
        ok = cb.accept(report);
      } catch (RuntimeException e) {
        ok = false;
        detail = "callback threw " + e;
      }
      if (!ok && report.trusted()) report = report.withProblem(new CertificateProblem.RejectedByCallback(detail));
    }
    ValidationCallback dangerous = policy.dangerousAcceptor();
    if (!report.trusted() && dangerous != null) {
      boolean ok;
      try {
        ok = dangerous.accept(report);
      } catch (RuntimeException e) {
        ok = false;
      }
      if (ok) {
        LOG.log(System.Logger.Level.WARNING, "DANGEROUS: accepted the certificate of {0} despite: {1}",
            report.expectedName() == null ? "a client" : report.expectedName(), report.problemSummary());
        report = report.withVerdict(ValidationReport.Verdict.ACCEPTED_DANGEROUSLY);
      }
    }
    if (report.trusted()) {
      for (CertificateProblem w : report.warnings()) {
        if (w instanceof CertificateProblem.MissingSubjectAltName m && m.fallbackUsed()) {
          LOG.log(System.Logger.Level.WARNING, "DANGEROUS: {0}", w.describe());
        } else if (policy.dangerousSkipHostnameVerification()
            && (w instanceof CertificateProblem.NameMismatch
                || w instanceof CertificateProblem.MissingSubjectAltName)) {
          LOG.log(System.Logger.Level.WARNING, "DANGEROUS: hostname verification skipped: {0}", w.describe());
        }
      }
    }
    return report;
  }

  private static Map<X509Certificate, byte[]> stapled(SSLSession hs, List<X509Certificate> chain) {
    if (!(hs instanceof ExtendedSSLSession ext) || chain.isEmpty()) return Map.of();
    try {
      List<byte[]> responses = ext.getStatusResponses();
      Map<X509Certificate, byte[]> out = new HashMap<>();
      for (int i = 0; i < responses.size() && i < chain.size(); i++) {
        if (responses.get(i) != null && responses.get(i).length > 0) out.put(chain.get(i), responses.get(i));
      }
      return out;
    } catch (UnsupportedOperationException e) {
      return Map.of();
    }
  }
}
