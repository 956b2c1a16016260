package dev.tlskit.probe;

import dev.tlskit.internal.bc.BcJsse;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Complete TLS 1.2/1.3 handshakes with the JDK, for what a raw hello cannot see: the certificate chain and stapled
 * OCSP response under TLS 1.3 encryption, the ALPN choice, session resumption, and the capabilities a STARTTLS
 * server offers over TLS. The certificate is recorded, not judged, here: the probe judges it afterwards with the
 * user's trust settings, so that an untrusted server can still be described.
 *
 * <p>One instance holds one TLS context, and so one session cache: a second handshake to the same target offers to
 * resume the first one's session.
 */
final class JdkHandshake {
  /** What the JDK's SSLSocket says when the peer's first bytes are not a TLS record. */
  private static final String NOT_TLS = "Unsupported or unrecognized SSL message";
  private final Target target;
  private final SSLContext context;
  private final Recorder recorder = new Recorder();

  /**
   * One completed handshake; {@code ticketIssued} says whether a TLS 1.3 server sent a NewSessionTicket after it,
   * something to resume with (each adds an entry to the JDK's client session cache; meaningful only when the
   * handshake waited for tickets or spoke the STARTTLS protocol after it).
   */
  record Session(String protocol, String suite, String alpn, boolean resumed, boolean ticketIssued,
      List<X509Certificate> chain, List<byte[]> stapled, List<String> capabilitiesBefore,
      List<String> capabilitiesAfter) {}

  JdkHandshake(Target target) {
    this.target = target;
    try {
      context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {recorder}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a TLS context: " + e.getMessage(), e);
    }
  }

  /**
   * Runs one handshake offering {@code alpn} (empty for none: no ALPN extension at all) and the JSSE protocol names
   * {@code protocols} ("TLSv1.3", "TLSv1.2"), and returns what was negotiated. With {@code awaitTickets}, waits
   * briefly after a TLS 1.3 handshake for the server's session tickets, so that a later handshake can try to resume.
   *
   * @throws TemporaryRefusal when a STARTTLS server is busy or drops the connection before TLS
   */
  Session handshake(List<String> alpn, boolean awaitTickets, List<String> protocols) throws IOException {
    try (ProbeConnection c = ProbeConnection.open(target)) {
      Socket plain = c.socket();
      List<String> before = c.capabilitiesBefore();
      SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, target.peerName(), target.port(),
          true);
      SSLParameters p = ssl.getSSLParameters();
      p.setProtocols(protocols.toArray(String[]::new));
      String sni = target.sniName();
      if (sni != null) {
        try {
          p.setServerNames(List.of(new SNIHostName(sni)));
        } catch (IllegalArgumentException ignored) {
          // not a valid SNI name: sent without SNI
        }
      }
      if (!alpn.isEmpty()) p.setApplicationProtocols(alpn.toArray(String[]::new));
      ssl.setSSLParameters(p);
      int checksBefore = recorder.checks;
      try {
        ssl.startHandshake();
      } catch (SSLException e) {
        if (target.starttls() == null && NOT_TLS.equals(e.getMessage())) {
          // The JDK has read the bytes, so the text is lost; the raw hellos showed this port speaks TLS, so this
          // is a server that speaks first, in plaintext: Exim over smtp_accept_max says "421 Too many ...".
          throw new TemporaryRefusal(ProbeReport.Incomplete.Cause.REFUSED,
              "the server answered a handshake with something that is not TLS (a busy reply?)", e);
        }
        throw e;
      }
      boolean resumed = recorder.checks == checksBefore;
      int cachedAtEnd = cached();
      SSLSession s = ssl.getSession();
      List<String> after = List.of();
      if (target.starttls() != null) {
        after = target.starttls().capabilities(Starttls.Lines.overTls(ssl));
      } else if (awaitTickets) {
        drainTickets(ssl);
      }
      String selected = ssl.getApplicationProtocol();
      boolean ticketIssued = "TLSv1.3".equals(s.getProtocol()) && cached() > cachedAtEnd;
      Session out = new Session(s.getProtocol(), s.getCipherSuite(),
          selected == null || selected.isEmpty() ? null : selected, resumed, ticketIssued,
          resumed ? List.of() : recorder.chain, resumed ? List.of() : recorder.stapled, before, after);
      ssl.close();
      return out;
    }
  }

  /**
   * Runs one TLS 1.3 handshake through TlsKit's BouncyCastle JSSE provider offering only the post-quantum hybrid
   * groups (secp256r1 and secp384r1 listed after them only for bctls's ECDSA signatures; a key exchange on them is
   * refused), and returns whether it completed on a hybrid group.
   *
   * @throws TemporaryRefusal when a STARTTLS server is busy or drops the connection before TLS
   */
  static boolean postQuantum(Target target) throws IOException {
    BcJsse bc = BcJsse.requiringHybrid();
    SSLContext context;
    try {
      context = SSLContext.getInstance("TLS", bc);
      context.init(null, new TrustManager[] {new Recorder()}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a BouncyCastle TLS context: " + e.getMessage(), e);
    }
    List<String> groups = new ArrayList<>(BcJsse.HYBRID_GROUPS);
    groups.addAll(List.of("secp256r1", "secp384r1"));
    try (ProbeConnection c = ProbeConnection.open(target)) {
      SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(c.socket(), target.peerName(),
          target.port(), true);
      SSLParameters p = ssl.getSSLParameters();
      p.setProtocols(new String[] {"TLSv1.3"});
      p.setNamedGroups(groups.toArray(String[]::new));
      String sni = target.sniName();
      if (sni != null) {
        try {
          p.setServerNames(List.of(new SNIHostName(sni)));
        } catch (IllegalArgumentException ignored) {
          // not a valid SNI name: sent without SNI
        }
      }
      ssl.setSSLParameters(p);
      bc.configure(ssl, groups);
      try {
        ssl.startHandshake();
        bc.checkHandshake(ssl);
        return true;
      } catch (IOException e) {
        // refused: an alert (the JDK's SSLException, bctls's own TLS exceptions), or a close without one
        if (e instanceof SSLException || e instanceof java.io.EOFException
            || e.getClass().getName().startsWith("org.bouncycastle.tls.")) {
          return false;
        }
        throw e;
      } finally {
        ssl.close();
      }
    }
  }

  /**
   * Reads briefly so that TLS 1.3 NewSessionTicket messages, sent after the handshake, reach the session cache; a
   * server that sends nothing else makes this wait a short while.
   */
  private void drainTickets(SSLSocket ssl) throws IOException {
    if (!"TLSv1.3".equals(ssl.getSession().getProtocol())) return;
    ssl.setSoTimeout((int) Math.min(500, target.timeout().toMillis()));
    try {
      byte[] buf = new byte[4096];
      ssl.getInputStream().read(buf);
    } catch (SocketTimeoutException expected) {
      // no application data: the tickets, if any, were processed
    } catch (IOException ignored) {
      // the server closed: nothing more to learn
    }
  }

  /** Returns the number of sessions in the client cache. */
  private int cached() {
    return java.util.Collections.list(context.getClientSessionContext().getIds()).size();
  }

  /** Accepts every chain and remembers the last one and its stapled OCSP responses. */
  private static final class Recorder extends X509ExtendedTrustManager {
    volatile int checks;
    volatile List<X509Certificate> chain = List.of();
    volatile List<byte[]> stapled = List.of();

    @Override
    public void checkServerTrusted(X509Certificate[] c, String authType, Socket socket) {
      record(c, socket instanceof SSLSocket s ? s.getHandshakeSession() : null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] c, String authType, javax.net.ssl.SSLEngine engine) {
      record(c, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] c, String authType) {
      record(c, null);
    }

    private void record(X509Certificate[] c, SSLSession hs) {
      List<byte[]> st = new ArrayList<>();
      if (hs instanceof ExtendedSSLSession ext) {
        try {
          for (byte[] r : ext.getStatusResponses()) {
            if (r != null && r.length > 0) st.add(r);
          }
        } catch (UnsupportedOperationException ignored) {
          // provider without status responses
        }
      }
      chain = List.of(c);
      stapled = List.copyOf(st);
      checks++;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] c, String authType, Socket socket) {
      throw new UnsupportedOperationException("the probe is a client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] c, String authType, javax.net.ssl.SSLEngine engine) {
      throw new UnsupportedOperationException("the probe is a client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] c, String authType) {
      throw new UnsupportedOperationException("the probe is a client");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
