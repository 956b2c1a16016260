package dev.tlskit.internal.server;

import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsServer.ClientAuth;
import dev.tlskit.ValidationReport;
import dev.tlskit.internal.io.KeyExchangeSniffer;
import dev.tlskit.internal.net.TransportSocket;
import dev.tlskit.internal.tls.ProviderHook;
import dev.tlskit.internal.tls.SecurityInfos;
import dev.tlskit.internal.trust.ReportingTrustManager;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Runs server-side TLS handshakes with one TLS context: the server's certificates chosen by SNI, its policy, client
 * authentication, ALPN and session resumption, and the guard that refuses renegotiation. Deadlines, refusals and the
 * authorizer are the caller's.
 */
public final class ServerHandshake {
  private final ServerConfig config;
  private final Predicate<String> covered;
  private final ReportingTrustManager trust;
  private final SSLContext context;
  private final SSLSocketFactory factory;

  /**
   * Creates the TLS context of {@code config}, presenting what {@code keyManager} chooses (the server's certificates
   * by SNI); {@code covered} tells whether a certificate covers a host name (to reject unknown names).
   */
  public ServerHandshake(ServerConfig config, X509ExtendedKeyManager keyManager, Predicate<String> covered) {
    this.config = config;
    this.covered = covered;
    this.trust = (ReportingTrustManager) config.policy().trustManager();
    this.context = JvmProperties.newServerContext(config.policy(), config.sessionResumption());
    try {
      context.init(new KeyManager[] {keyManager}, new TrustManager[] {trust}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make a TLS context", e);
    }
    if (!config.sessionResumption()) {
      // No session tickets: the JDK issues none when the session lifetime exceeds the 7-day ticket maximum (and,
      // the context being stateless-free, TLS 1.2 does not promise one). Session IDs are invalidated after each
      // handshake (see Attempt.describe).
      context.getServerSessionContext().setSessionTimeout((int) Duration.ofDays(8).toSeconds());
    }
    this.factory = context.getSocketFactory();
  }

  /**
   * Installs the configured session-ticket keys, read again from their files, for new handshakes; without any
   * configured, does nothing.
   *
   * @throws IllegalArgumentException when the context's provider cannot take ticket keys (it names the provider)
   */
  public void installTicketKeys() throws IOException {
    if (config.ticketKeys() != null) config.ticketKeys().install(context);
  }

  /** One handshake on one connection. */
  public final class Attempt {
    private final SSLSocket ssl;
    private final RenegotiationGuard[] guard = new RenegotiationGuard[1];
    private final HandshakeAcks[] acks = new HandshakeAcks[1];
    private final long start = System.currentTimeMillis();
    private volatile boolean alpnRefused;
    private final KeyExchangeSniffer flight;
    private volatile String sniSeen; // what the SNI matcher saw: BouncyCastle's sessions forget it after the handshake

    private Attempt(Socket raw, Runnable onRenegotiation) throws IOException {
      // The (Socket, host, port, autoClose) form, made server-side by setUseClientMode(false): providers such as
      // Conscrypt do not implement the (Socket, InputStream, autoClose) form.
      // TLS reads the client's records through a guard that refuses renegotiation once the handshake is done,
      // whatever the JDK's process-wide setting (see TlsServer). Writes are bounded by the idle timeout.
      // Under the guard, the client's handshake records are acknowledged as they come (see HandshakeAcks).
      TransportSocket under = new TransportSocket(raw, config.idleTimeout(), in -> {
        acks[0] = new HandshakeAcks(in, raw);
        guard[0] = new RenegotiationGuard(acks[0], onRenegotiation);
        return guard[0];
      });
      acks[0].watch(under::bytesOut);
      flight = under.watchServerFlight(false); // our own ServerHello names the group

      ssl = (SSLSocket) factory.createSocket(under, raw.getInetAddress().getHostAddress(), raw.getPort(), true);
      ssl.setUseClientMode(false);
      ssl.setSSLParameters(parameters(name -> sniSeen = name));
      ProviderHook.configure(config.policy(), ssl);
      if (!config.alpn().isEmpty()) {
        ssl.setHandshakeApplicationProtocolSelector((s, offered) -> {
          for (String p : config.alpn()) {
            if (offered.contains(p)) return p;
          }
          alpnRefused = true;
          return null; // no_application_protocol alert (RFC 7301 section 3.2)
        });
      }
    }

    /** Runs the handshake, then arms the renegotiation guard. */
    public void run() throws IOException {
      ssl.startHandshake();
      ProviderHook.check(config.policy(), ssl);
      guard[0].arm();
    }

    /** Returns the TLS socket. */
    public SSLSocket socket() {
      return ssl;
    }

    /** Returns true when the client offered ALPN protocols none of which this server speaks. */
    public boolean alpnRefused() {
      return alpnRefused;
    }

    /** After a failed handshake: the report that rejected the client's certificate, or null when none did. */
    public ValidationReport rejection() {
      ValidationReport report = trust.takeReport(ssl);
      return report != null && report.accepted() ? null : report; // judged fine: failed for another reason
    }

    /** After a completed handshake: describes it; without resumption, the session is invalidated. */
    public SecurityInfo describe() {
      SSLSession session = ssl.getSession();
      // Without client authentication no chain was judged, and describe() keeps a report only beside a chain.
      boolean clientAuth = config.clientAuth() != ClientAuth.NONE;
      ValidationReport report = null;
      if (clientAuth) {
        report = trust.takeReport(ssl);
        if (report == null) report = ReportingTrustManager.reportOf(session); // resumed: judged before
      }
      boolean resumed = session.getCreationTime() < start;
      if (!config.sessionResumption()) session.invalidate();
      String sni;
      try {
        sni = SniKeyManager.requestedName(session);
      } catch (UnsupportedOperationException notKept) {
        sni = sniSeen;
      }
      // Without client authentication there is no peer chain, and asking for it throws: an exception per handshake.
      return SecurityInfos.describe(ssl, config.policy(), clientAuth,
          new SecurityInfos.Facts(sni, sni != null, resumed, false, flight), report, false);
    }
  }

  /** Creates the TLS socket over {@code raw}, server side; {@code onRenegotiation} runs when a client tries it. */
  public Attempt attempt(Socket raw, Runnable onRenegotiation) throws IOException {
    return new Attempt(raw, onRenegotiation);
  }

  private SSLParameters parameters(java.util.function.Consumer<String> sniSeen) {
    SSLParameters p = config.policy().sslParameters(); // protocols, suites in server order, groups, signature schemes
    switch (config.clientAuth()) {
      case NEED -> p.setNeedClientAuth(true);
      case WANT -> p.setWantClientAuth(true);
      case NONE -> { }
    }
    // Always a matcher, even one that accepts every name: only with one does the JDK refuse to resume a session
    // under another SNI name than it was made for (RFC 6066 section 3); without, a client could carry a.test's
    // session to b.test, and requestedServerName() would report the old session's name.
    boolean rejectUnknown = config.rejectUnknownNames();
    p.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
      @Override
      public boolean matches(SNIServerName name) {
        try {
          SNIHostName host = name instanceof SNIHostName h ? h : new SNIHostName(name.getEncoded());
          sniSeen.accept(host.getAsciiName());
          return !rejectUnknown || covered.test(host.getAsciiName());
        } catch (IllegalArgumentException notAHostName) {
          return !rejectUnknown;
        }
      }
    }));
    if (!config.alpn().isEmpty()) p.setApplicationProtocols(config.alpn().toArray(String[]::new));
    return p;
  }
}
