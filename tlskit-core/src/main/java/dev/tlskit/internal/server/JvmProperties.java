package dev.tlskit.internal.server;

import dev.tlskit.TlsPolicy;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;

/** Sets the JVM-wide system properties a server relies on, and no others; each method says when and why. */
public final class JvmProperties {
  private static final String RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";
  private static final String TICKETS = "jdk.tls.server.enableSessionTicketExtension";
  private static final Object CONTEXT_LOCK = new Object();

  private JvmProperties() {}

  /**
   * Sets {@code jdk.tls.rejectClientInitiatedRenegotiation} to true unless it is already set (an explicit "false" is
   * respected). The JDK reads it once per process, at its first server handshake, so this must run before any.
   */
  public static void refuseClientRenegotiation() {
    if (System.getProperty(RENEGOTIATION) == null) System.setProperty(RENEGOTIATION, "true");
  }

  /**
   * Creates a server's TLS context. Without resumption, the JDK's per-context stateless-ticket switch is only
   * settable through the system property it reads when a context is created, so it is set for that moment and
   * restored.
   *
   * <p>The JDK reads {@code jdk.tls.server.enableSessionTicketExtension} only in the {@code SSLContext} constructor
   * (for the server-side session cache every context has), and every TlsServer creates its context under one lock,
   * so TlsServers never see each other's temporary value. Outside the lock: a client context created at that moment
   * on another thread (a TlsClient's) reads it only for its unused server-side cache, so clients are unaffected; a
   * server context another library creates at that moment gets stateless tickets off, which means session-ID
   * (stateful) resumption instead, not weaker security; code that sets the property itself while this runs may have
   * its value read as "false" or overwritten by the restore. Prefer setting it once at startup if that matters.
   */
  public static SSLContext newServerContext(TlsPolicy policy, boolean resumption) {
    synchronized (CONTEXT_LOCK) {
      String before = System.getProperty(TICKETS);
      try {
        if (!resumption) System.setProperty(TICKETS, "false");
        return policy.provider() == null ? SSLContext.getInstance("TLS")
            : SSLContext.getInstance("TLS", policy.provider());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK cannot make a TLS context", e);
      } finally {
        if (!resumption) {
          if (before == null) System.clearProperty(TICKETS);
          else System.setProperty(TICKETS, before);
        }
      }
    }
  }
}
