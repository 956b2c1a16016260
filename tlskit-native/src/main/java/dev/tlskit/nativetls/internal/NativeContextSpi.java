package dev.tlskit.nativetls.internal;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.KeyManagementException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * The {@code SSLContext} of the native engine. {@code init} keeps the key and trust managers; the BoringSSL contexts
 * are made from them lazily: one server context and one client context per ALPN list (netty's client session cache,
 * keyed by the peer host and port a socket was created for, lives in it, so resumption works per {@code SSLContext}
 * as on the JDK). A server context also fixes the protocols and cipher suites of its engines when a socket's policy
 * names both TLS 1.3 and earlier suites (the usual case; see {@link #server(List, String[], String[])}): netty then
 * converts the suite names once per context instead of once per connection. Everything else (groups, client
 * authentication, SNI), and the protocols and suites of other sockets, is set per socket.
 */
public final class NativeContextSpi extends SSLContextSpi {
  /**
   * The JDK's switch for server session tickets. TlsKit's server sets it to "false" while it creates a context
   * without resumption (see core's {@code JvmProperties}); read at creation, as the JDK does.
   */
  static final String SERVER_TICKETS = "jdk.tls.server.enableSessionTicketExtension";
  static final List<String> ALL_PROTOCOLS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

  private final boolean serverTickets = !"false".equalsIgnoreCase(System.getProperty(SERVER_TICKETS));
  /** Engines in a handshake, mapped to their sockets, so that callbacks reach TlsKit's managers with the socket. */
  final Map<SSLEngine, NativeSocket> handshaking = new ConcurrentHashMap<>();
  private final Map<List<String>, ReferenceCountedOpenSslContext> clients = new ConcurrentHashMap<>();
  private final Map<ServerKey, ReferenceCountedOpenSslContext> servers = new ConcurrentHashMap<>();
  /** The server context for each (ALPN, wanted protocols, wanted suites) a socket asked for; see {@link #server}. */
  private final Map<ServerKey, Server> shaped = new ConcurrentHashMap<>();
  private final ServerSessions serverSessions = new ServerSessions(this);
  private SocketBridge.Keys keys; // null: no key manager
  private SocketBridge.Trust trust;

  NativeContextSpi() {}

  @Override
  protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) throws KeyManagementException {
    X509KeyManager key = null;
    for (KeyManager k : km == null ? new KeyManager[0] : km) {
      if (k instanceof X509KeyManager x) {
        key = x;
        break;
      }
    }
    X509TrustManager tr = null;
    for (TrustManager t : tm == null ? new TrustManager[0] : tm) {
      if (t instanceof X509TrustManager x) {
        tr = x;
        break;
      }
    }
    if (tr == null) {
      try {
        tr = defaultTrust();
      } catch (KeyStoreException e) {
        throw new KeyManagementException("no trust manager given and no default one: " + e.getMessage(), e);
      }
    }
    keys = key == null ? null : new SocketBridge.Keys(key, handshaking);
    trust = new SocketBridge.Trust(tr, handshaking);
  }

  private static X509TrustManager defaultTrust() throws KeyStoreException {
    try {
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init((KeyStore) null);
      for (TrustManager t : f.getTrustManagers()) {
        if (t instanceof X509TrustManager x) return x;
      }
    } catch (NoSuchAlgorithmException e) {
      throw new KeyStoreException("no default trust manager", e);
    }
    throw new KeyStoreException("no default X509 trust manager");
  }

  /** Returns the client context offering {@code alpn} (empty: no ALPN), made on first use. */
  ReferenceCountedOpenSslContext client(List<String> alpn) throws SSLException {
    requireInit();
    ReferenceCountedOpenSslContext c = clients.get(alpn);
    if (c != null) return c;
    synchronized (clients) {
      c = clients.get(alpn);
      if (c == null) {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).trustManager(trust)
            .protocols(ALL_PROTOCOLS).applicationProtocolConfig(alpnConfig(alpn));
        if (keys != null) b.keyManager(keys);
        c = (ReferenceCountedOpenSslContext) b.build();
        clients.put(List.copyOf(alpn), c);
      }
      return c;
    }
  }

  /**
   * What a server context fixes for every engine made from it: the ALPN list (the server's preference; empty: no ALPN),
   * and the protocols and cipher suites (null: netty's defaults, each engine sets its own).
   */
  private record ServerKey(List<String> alpn, List<String> protocols, List<String> suites) {}

  /**
   * A server context, and whether it fixes the protocols and suites a socket asked for ({@code fixed}); when not, the
   * socket sets them on its engine.
   */
  record Server(ReferenceCountedOpenSslContext context, boolean fixed) {}

  /** At most this many (ALPN, protocols, suites) combinations get a context of their own; more set them per engine. */
  private static final int MAX_SHAPED = 16;

  /** Returns the server context selecting among {@code alpn}, protocols and suites set per engine. */
  ReferenceCountedOpenSslContext server(List<String> alpn) throws SSLException {
    return context(new ServerKey(List.copyOf(alpn), null, null));
  }

  /**
   * Returns the server context for a socket selecting among {@code alpn} that wants {@code protocols} and
   * {@code suites} (null: the defaults). When the suites BoringSSL has among them include TLS 1.3 and earlier ones,
   * the context is made with those protocols and suites (one per combination, {@link #MAX_SHAPED} at most) and is
   * {@code fixed}; otherwise it is the context of {@code alpn} alone, and the socket sets them on its engine (netty
   * drops a protocol whose suites are all missing only there). Sessions and tickets are kept per context, and every
   * setting of {@link ServerSessions} reaches each one.
   */
  Server server(List<String> alpn, String[] protocols, String[] suites) throws SSLException {
    ServerKey wanted = new ServerKey(alpn, protocols == null ? null : List.of(protocols),
        suites == null ? null : List.of(suites));
    Server s = shaped.get(wanted);
    if (s != null) return s;
    List<String> p = protocols == null ? null : NativeSocket.supportedProtocols(protocols);
    List<String> c = suites == null ? null : NativeSocket.supportedSuites(suites);
    boolean fixable = p != null && c != null && c.stream().anyMatch(NativeSocket::isTls13)
        && !c.stream().allMatch(NativeSocket::isTls13) && shaped.size() < MAX_SHAPED;
    s = fixable ? new Server(context(new ServerKey(List.copyOf(alpn), p, c)), true)
        : new Server(server(alpn), false);
    if (shaped.size() < MAX_SHAPED) shaped.putIfAbsent(wanted, s);
    return s;
  }

  /** Returns the server context {@code key} describes, made on first use (BoringSSL sets ALPN per context). */
  private ReferenceCountedOpenSslContext context(ServerKey key) throws SSLException {
    requireInit();
    ReferenceCountedOpenSslContext s = servers.get(key);
    if (s == null) {
      synchronized (servers) {
        s = servers.get(key);
        if (s == null) {
          if (keys == null) throw new SSLException("a TLS server needs a key manager: none was given to init");
          SslContextBuilder b = SslContextBuilder.forServer(keys).sslProvider(SslProvider.OPENSSL)
              .trustManager(trust).protocols(key.protocols() == null ? ALL_PROTOCOLS : key.protocols())
              .clientAuth(ClientAuth.NONE).applicationProtocolConfig(alpnConfig(key.alpn()));
          if (key.suites() != null) b.ciphers(key.suites());
          s = (ReferenceCountedOpenSslContext) b.build();
          if (!serverTickets) s.sessionContext().setSessionCacheEnabled(false);
          ReferenceCountedOpenSslContext made = s;
          serverSessions.adopt(made, () -> servers.put(key, made));
        }
      }
    }
    return s;
  }

  /** Returns the server contexts made so far (one per ALPN list, and per protocols and suites fixed). */
  Collection<ReferenceCountedOpenSslContext> serverContexts() {
    return servers.values();
  }

  /** Returns the server context without ALPN, made now if need be. */
  ReferenceCountedOpenSslContext defaultServer() {
    try {
      return server(List.of());
    } catch (SSLException e) {
      throw new IllegalStateException("cannot make the native server context: " + e.getMessage(), e);
    }
  }

  boolean serverTickets() {
    return serverTickets;
  }

  private static ApplicationProtocolConfig alpnConfig(List<String> alpn) {
    return alpn.isEmpty() ? ApplicationProtocolConfig.DISABLED : new ApplicationProtocolConfig(
        ApplicationProtocolConfig.Protocol.ALPN, ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn);
  }

  private void requireInit() {
    if (trust == null) throw new IllegalStateException("SSLContext not initialized: call init first");
  }

  @Override
  protected SSLSocketFactory engineGetSocketFactory() {
    requireInit();
    return new NativeSocketFactory(this);
  }

  @Override
  protected SSLServerSocketFactory engineGetServerSocketFactory() {
    throw new UnsupportedOperationException("the native TLS provider makes layered sockets only: accept plain"
        + " sockets and layer TLS over them (TlsServer does)");
  }

  @Override
  protected SSLEngine engineCreateSSLEngine() {
    throw new UnsupportedOperationException("the native TLS provider makes sockets, and client engines for a given"
        + " host and port (createSSLEngine(host, port)); for Netty, use netty's own OpenSSL SslContext");
  }

  /**
   * Returns a client engine (BoringSSL) whose session lookup is keyed by {@code host} and {@code port}: a data
   * connection created with an FTPS control connection's host and port offers the control connection's session.
   * Its trust decisions are recorded under the engine.
   */
  @Override
  protected SSLEngine engineCreateSSLEngine(String host, int port) {
    try {
      return client(List.of()).newEngine(ByteBufAllocator.DEFAULT, host, port);
    } catch (SSLException e) {
      throw new IllegalStateException("cannot make the native client context: " + e.getMessage(), e);
    }
  }

  /** Returns the sessions of every server context (one per ALPN list): settings made on it reach each of them. */
  @Override
  protected SSLSessionContext engineGetServerSessionContext() {
    requireInit();
    return serverSessions;
  }

  @Override
  protected SSLSessionContext engineGetClientSessionContext() {
    try {
      return client(List.of()).sessionContext();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot make the native client context: " + e.getMessage(), e);
    }
  }

  @Override
  protected SSLParameters engineGetDefaultSSLParameters() {
    return new SSLParameters(supportedSuites(), new String[] {"TLSv1.3", "TLSv1.2"});
  }

  @Override
  protected SSLParameters engineGetSupportedSSLParameters() {
    return new SSLParameters(supportedSuites(), ALL_PROTOCOLS.toArray(String[]::new));
  }

  static String[] supportedSuites() {
    return OpenSsl.availableJavaCipherSuites().toArray(String[]::new);
  }
}
