package dev.tlskit.internal.ftp;

import dev.tlskit.ValidationReport;
import dev.tlskit.internal.trust.ReportingTrustManager;
import java.util.Arrays;
import java.security.cert.Certificate;
import javax.net.ssl.SSLSession;

/** Tells, from public session data only, whether a data connection resumed the control connection's session. */
public final class Resumption {
  private Resumption() {}

  /**
   * Returns true when {@code data} is a resumption of {@code control}.
   *
   * <p>TLS 1.2: an abbreviated handshake keeps the session ID the server assigned to the control connection, while a
   * full handshake gets a new one (or none). TLS 1.3 has no session IDs; a session resumed from a ticket carries the
   * creation time of the session that issued the ticket (the JDK copies it into ticket sessions), while a full
   * handshake creates its session at handshake time, which is after login and therefore later than the control
   * connection's; or, for providers that give it a new time (BoringSSL), it carries the control session's report. Both
   * also require the same peer.
   */
  public static boolean resumed(SSLSession control, SSLSession data) {
    if (!control.getProtocol().equals(data.getProtocol())) return false;
    if ("TLSv1.3".equals(data.getProtocol())) {
      return (data.getCreationTime() == control.getCreationTime() || sameReport(control, data))
          && sameServer(control, data);
    }
    byte[] id = control.getId();
    return id != null && id.length > 0 && Arrays.equals(id, data.getId());
  }

  /**
   * Returns true when the data session carries the very report TlsKit's trust manager made for the control
   * connection's chain: no chain was judged in the data handshake, the session came from the control session's
   * tickets. BoringSSL (the native engine) gives a session resumed from a renewed ticket a new creation time, so the
   * time rule alone misses it; a full handshake puts a new report into its new session.
   */
  private static boolean sameReport(SSLSession control, SSLSession data) {
    ValidationReport report = ReportingTrustManager.reportOf(control);
    return report != null && report == ReportingTrustManager.reportOf(data);
  }

  /**
   * Returns true when both sessions were made with the same server certificate: a data connection that did not resume
   * must still reach the server of the control connection, not merely some server valid for its name.
   */
  public static boolean sameServer(SSLSession a, SSLSession b) {
    try {
      Certificate[] x = a.getPeerCertificates();
      Certificate[] y = b.getPeerCertificates();
      return x.length > 0 && y.length > 0 && x[0].equals(y[0]);
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return false;
    }
  }
}
