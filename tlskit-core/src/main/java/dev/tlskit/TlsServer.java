package dev.tlskit;

import dev.tlskit.internal.concurrent.Threads;
import dev.tlskit.internal.concurrent.Watchdog;
import dev.tlskit.internal.server.Acceptor;
import dev.tlskit.internal.server.Admission;
import dev.tlskit.internal.server.CertificateWatcher;
import dev.tlskit.internal.server.Connections;
import dev.tlskit.internal.server.JvmProperties;
import dev.tlskit.internal.server.ServerConfig;
import dev.tlskit.internal.server.ServerEvents;
import dev.tlskit.internal.server.ServerHandshake;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Accepts connections on one or more addresses and serves each on its own virtual thread, over implicit TLS or over
 * plaintext that the handler upgrades in place ({@link ServerConnection#upgradeToTls(String)}).
 *
 * <p>Defaults, all changeable on the {@link Builder}: listens on the loopback address, any free port; implicit TLS;
 * the {@link TlsPolicy#MODERN} policy (TLS 1.3 and 1.2, forward-secret AEAD suites, enforced in the server's order);
 * no client authentication; every authenticated peer admitted; no ALPN; session resumption on; at most 1000
 * connections, of which at most 256 not yet secured (the oldest unsecured one is shed to make room for a new
 * connection; see {@link Builder#maxHandshakes(int)}); handshake timeout 10 s; setup timeout 60 s (from accept to a
 * secured connection, the plaintext phase before STARTTLS included; never less than the handshake timeout); idle
 * timeout 5 min; shutdown drains for 10 s; no PROXY protocol; certificate files not watched; the engine's own
 * session-ticket keys (not shared with other servers; see {@link Builder#sessionTicketKeys}). The numeric defaults are
 * also the {@code DEFAULT_*} constants of {@link Builder}, which {@code tlskit serve} uses as its own.
 *
 * <p>Logging ({@code System.Logger} "dev.tlskit.server") stays bounded under a flood: every event a peer can repeat
 * at will is either DEBUG (one line per connection: each handshake refusal and why, each connection's end) or
 * throttled, that is logged at once the first time, then at most one summary line per 10 s with the count since.
 * Throttled: refusals at the connection limit, connections shed and PROXY header errors (WARNING), handshake and
 * setup timeouts (INFO), failures of the listener, the authorizer and {@code accept} (WARNING, the first with its
 * stack trace). The exact counts are in {@link #metrics()}, and each handshake refusal reaches the {@link
 * ServerListener}.
 *
 * <p>Client-initiated TLS 1.2 renegotiation is refused, twice over. First, the JDK's {@code
 * jdk.tls.rejectClientInitiatedRenegotiation} is set to true unless already set; the JDK reads it once per process, at
 * its first server handshake, so it does nothing when any other server handshake (another library's, a plain {@code
 * SSLServerSocket}'s) ran earlier in the JVM, and an explicit "false" is respected. Second, independently of the JVM's
 * history: the client's TLS records are read through a guard that, once the handshake has completed, closes the
 * connection with a handshake_failure alert at the first handshake record, before the TLS layer parses it (counted
 * as {@link ServerMetrics.HandshakeFailure#RENEGOTIATION_REFUSED}). Limits: the guard judges record types only, so a
 * renegotiation the server itself starts (a handler calling {@code startHandshake()} on {@link
 * ServerConnection#socket()}) is refused too; TLS 1.3 has no renegotiation, and its KeyUpdate and other
 * post-handshake messages travel as application data and pass.
 *
 * <p>Turning session resumption off ({@link Builder#sessionResumption(boolean)}) sets the JVM-wide {@code
 * jdk.tls.server.enableSessionTicketExtension} to false for the instant the server's TLS context is created and then
 * restores it, serialized against every other TlsServer. A server context another library creates on another thread
 * in that instant gets stateless tickets off as well (it resumes by session ID instead: a performance difference,
 * not a security one); client contexts are unaffected.
 *
 * <p>Inside, the server mirrors {@link TlsClient}: this class wires the parts and is the public face; the accept loop
 * ({@code internal.server.Acceptor}), each connection's setup (PROXY header, handshake, ALPN, authorizer, handler:
 * {@code Connections}), the TLS context ({@code ServerHandshake}), counting and logging ({@code ServerEvents}),
 * certificate watching and the JVM properties are classes of their own, and a {@link ServerConnection} reaches its
 * server only through one seam ({@code internal.server.Upgrader}), as a {@link TlsConnection} reaches its client.
 * The same setup secures sockets the application accepted itself: {@link Builder#buildServerTls()}.
 */
public final class TlsServer implements Closeable {
  static {
    JvmProperties.refuseClientRenegotiation();
  }

  /** Whether the server asks for a client certificate. */
  public enum ClientAuth {
    /** No certificate is requested. */
    NONE,
    /** A certificate is requested; a client without one is admitted, a client with an invalid one is refused. */
    WANT,
    /** A valid certificate is required. */
    NEED
  }

  /** How often a throttled log line may repeat; see the class documentation. */
  static final Duration LOG_INTERVAL = ServerEvents.LOG_INTERVAL;

  private final ServerConfig.Draft settings;
  private final ServerConfig config;
  private final Watchdog timer = Threads.watchdog();
  private final AtomicBoolean shuttingDown = new AtomicBoolean();
  private final Admission admission;
  private final ServerEvents events;
  private final Connections connections;
  private final Acceptor acceptor;
  private final Thread watcher;
  private final Thread ticketKeyWatcher;

  private TlsServer(ServerConfig.Draft settings, ServerConfig config) throws IOException {
    this.settings = settings;
    this.config = config;
    this.admission = new Admission(config.maxConnections(), config.maxHandshakes());
    this.events = new ServerEvents(config, timer);
    ServerHandshake handshake = handshake(config);
    SessionTicketKeys keys = config.ticketKeys();
    // the files as they are now, before listening: a change from now on is seen, even before a watcher first runs
    String keysRead = keys == null ? null : CertificateWatcher.stamp(keys.files());
    String certificatesRead = config.watchInterval() == null ? null
        : CertificateWatcher.stamp(config.certificates().files());
    handshake.installTicketKeys(); // before listening: a provider that cannot take them fails the start
    this.connections = new Connections(config, handshake, events, admission, timer, ServerConnection::open,
        shuttingDown::get);
    this.acceptor = Acceptor.bind(config, admission, events);
    acceptor.start(connections::serve);
    this.watcher = config.watchInterval() == null ? null : Threads.startVirtual("tlskit-certificate-watch",
        () -> CertificateWatcher.watch(config.certificates(), certificatesRead, config.watchInterval(),
            shuttingDown::get));
    this.ticketKeyWatcher = keys == null ? null : Threads.startVirtual("tlskit-ticket-key-watch",
        () -> CertificateWatcher.watch("session-ticket key", keys.files(), keysRead, () -> {
          handshake.installTicketKeys();
          ServerEvents.LOG.log(System.Logger.Level.INFO, "reloaded session-ticket keys: {0}", keys);
        }, config.ticketKeyPoll(), shuttingDown::get));
  }

  /** Creates the TLS side of a server: its context, presenting the certificates chosen by SNI. */
  static ServerHandshake handshake(ServerConfig config) {
    ServerCertificates certs = config.certificates();
    return new ServerHandshake(config, certs.keyManager(), name -> certs.snapshot().covers(name));
  }

  /** Returns a builder for a server that runs {@code handler} for every connection. */
  public static Builder builder(ServerHandler handler, ServerCertificates certificates) {
    return builder(certificates).handler(handler);
  }

  /**
   * Returns a builder without a handler: for {@link Builder#buildServerTls()}, which secures sockets the application
   * accepted itself; {@link Builder#start()} needs a {@link Builder#handler(ServerHandler)}.
   */
  public static Builder builder(ServerCertificates certificates) {
    ServerConfig.Draft draft = new ServerConfig.Draft();
    draft.certificates = Objects.requireNonNull(certificates, "certificates");
    return new Builder(draft);
  }

  /**
   * Returns a builder with this server's handler, certificates and settings, as they were given to its builder (a
   * port asked for as 0 is 0 again), to start another server like it.
   */
  public Builder toBuilder() {
    return new Builder(settings.copy());
  }

  /** Returns the addresses the server listens on, with the ports actually bound. */
  public List<InetSocketAddress> addresses() {
    return acceptor.addresses();
  }

  /** Returns the first listening port (handy when one address was asked for with port 0). */
  public int port() {
    return addresses().get(0).getPort();
  }

  /** Returns the server's certificates; {@link ServerCertificates#reload()} swaps them for new handshakes. */
  public ServerCertificates certificates() {
    return config.certificates();
  }

  /** Re-reads the certificate and key files; live connections are unaffected. Same as {@code certificates().reload()}. */
  public void reload() throws IOException {
    CertificateWatcher.reload(config.certificates());
  }

  /** Returns a snapshot of the counters. */
  public ServerMetrics metrics() {
    return events.metrics(admission.open());
  }

  /**
   * Stops accepting, waits up to {@code drain} for open connections to end on their own, then closes the rest.
   * Returns true when every connection ended within the drain time.
   */
  public boolean shutdown(Duration drain) {
    shuttingDown.set(true);
    acceptor.stop();
    if (watcher != null) watcher.interrupt();
    if (ticketKeyWatcher != null) ticketKeyWatcher.interrupt();
    boolean drained = connections.drain(drain);
    events.flush();
    return drained;
  }

  /** Shuts down, draining open connections for the builder's drain timeout (default 10 s). */
  @Override
  public void close() {
    shutdown(config.drainTimeout());
  }

  /** Builds and starts a {@link TlsServer}. Every option states its default. */
  public static final class Builder {
    private final ServerConfig.Draft draft;

    private Builder(ServerConfig.Draft draft) {
      this.draft = draft;
    }

    /** Sets the handler run for every connection ({@link TlsServer#builder(ServerHandler, ServerCertificates)}). */
    public Builder handler(ServerHandler handler) {
      draft.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** Adds an address to listen on; may be called several times. Default: the loopback address, a free port. */
    public Builder listen(InetSocketAddress address) {
      draft.addresses.add(Objects.requireNonNull(address, "address"));
      return this;
    }

    /** Adds {@code host:port} to listen on (host is an IP literal or a local name). */
    public Builder listen(String host, int port) {
      return listen(new InetSocketAddress(host, port));
    }

    /**
     * Sets how connections start: {@link TlsMode#IMPLICIT} (the default, TLS from the first byte) or {@link
     * TlsMode#STARTTLS} (plaintext; the handler calls {@link ServerConnection#upgradeToTls(String)}).
     */
    public Builder mode(TlsMode mode) {
      if (mode != TlsMode.IMPLICIT && mode != TlsMode.STARTTLS) {
        throw new IllegalArgumentException("a server mode is IMPLICIT or STARTTLS, not " + mode);
      }
      draft.mode = mode;
      return this;
    }

    /**
     * Sets the TLS policy: protocol versions, cipher suites (enforced in the policy's order), groups, signature
     * schemes, and the trust and validation callback that judge client certificates. Default {@link
     * TlsPolicy#MODERN}.
     */
    public Builder policy(TlsPolicy policy) {
      draft.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets whether a client certificate is requested. Default {@link ClientAuth#NONE}. WANT and NEED judge the
     * certificate with the policy's trust, which must then name the client CAs ({@link #trustedClientIssuers}).
     */
    public Builder clientAuth(ClientAuth clientAuth) {
      draft.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
      return this;
    }

    /**
     * Trusts client certificates issued (directly or through intermediates) by these anchors only: the policy's trust
     * is replaced by these, whether {@link #policy} is set before or after. A policy with trust of its own (not the
     * system's) and these anchors together name the client CAs twice, and are refused by {@link #start()}. Default:
     * the policy's trust.
     */
    public Builder trustedClientIssuers(Collection<X509Certificate> anchors) {
      if (anchors.isEmpty()) throw new IllegalArgumentException("no client certificate anchors given");
      draft.clientIssuers = List.copyOf(anchors);
      return this;
    }

    /** Sets the hook that admits or refuses each peer after its handshake. Default: admit all. */
    public Builder authorizer(Authorizer authorizer) {
      draft.authorizer = Objects.requireNonNull(authorizer, "authorizer");
      return this;
    }

    /** Sets the access-log listener. Default: none. */
    public Builder listener(ServerListener listener) {
      draft.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets the ALPN protocols this server speaks, in its order of preference, each 1 to 255 characters (as {@link
     * TlsPolicy.Builder#alpn}). A client that offers ALPN but none of these is refused with {@code
     * no_application_protocol}. Default: the policy's ALPN protocols, none for the presets.
     */
    public Builder alpn(String... protocols) {
      draft.alpn = dev.tlskit.internal.tls.PolicyChecks.checkAlpn(protocols);
      return this;
    }

    /** Refuses clients that offer no ALPN at all (when {@link #alpn} is set). Default false. */
    public Builder alpnRequired(boolean required) {
      draft.alpnRequired = required;
      return this;
    }

    /**
     * Turns session resumption (TLS 1.3 tickets, TLS 1.2 IDs and tickets) on or off. Default on. Off briefly sets a
     * JVM-wide system property while the server's TLS context is created (see the class documentation). A session
     * is never resumed under another SNI name than it was made for. With the JDK's provider (seen on JDK 25), a
     * session made with a certificate other than the default one is not resumed from a stateless ticket: the JDK
     * restores the ticket's certificate by asking the key manager before it has read the client's SNI, gets the
     * default certificate, and falls back to a full handshake.
     */
    public Builder sessionResumption(boolean on) {
      draft.sessionResumption = on;
      return this;
    }

    /**
     * Refuses, with an {@code unrecognized_name} alert, a client whose SNI names a host no certificate covers.
     * Clients that send no SNI still get the default certificate. Default false (the default certificate).
     */
    public Builder rejectUnknownServerNames(boolean reject) {
      draft.rejectUnknownNames = reject;
      return this;
    }

    /**
     * Takes the session-ticket keys from {@code keys} instead of the engine's own, so that servers sharing them (a
     * fleet behind one load balancer) resume each other's sessions, TLS 1.3 and 1.2 alike: the first key encrypts new
     * tickets, every key decrypts. The key files are polled (every second, or at the {@link #watchCertificates}
     * interval) and installed again when they change, for new handshakes; open connections are unaffected, and a
     * file that cannot be read then is logged and the previous keys kept. Needs a provider that can take ticket keys
     * from outside (tlskit-native's engine; not the JDK's, which keeps its keys to itself): {@link #start()} refuses
     * any other with an {@code IllegalArgumentException} naming the provider, and a key file it cannot read with an
     * {@code IOException} naming the file. Contradicts {@code sessionResumption(false)}. Default: none, each server
     * makes its own keys.
     */
    public Builder sessionTicketKeys(SessionTicketKeys keys) {
      draft.ticketKeys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /** Expects a PROXY protocol v1 or v2 header before anything else on every connection. Default false. */
    public Builder proxyProtocol(boolean expect) {
      draft.proxyProtocol = expect;
      return this;
    }

    /** Default {@link #maxConnections(int)}: 1000. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;
    /** Default {@link #maxHandshakes(int)}: 256 (or {@link #maxConnections(int)} when that is smaller). */
    public static final int DEFAULT_MAX_HANDSHAKES = 256;
    /** Default {@link #handshakeTimeout(Duration)}, in seconds: 10. */
    public static final int DEFAULT_HANDSHAKE_TIMEOUT_SECONDS = 10;
    /** Default {@link #setupTimeout(Duration)}, in seconds: 60 (never less than the handshake timeout). */
    public static final int DEFAULT_SETUP_TIMEOUT_SECONDS = 60;
    /** Default {@link #idleTimeout(Duration)}, in seconds: 300. */
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 300;

    /**
     * Sets the most connections open at once, secured or not. When it is reached, a new connection is admitted by
     * shedding the oldest connection not yet secured (see {@link #maxHandshakes(int)}); only when every open
     * connection is secured is the new one accepted and closed at once (counted in {@link
     * ServerMetrics#connectionsRefused()}). Default 1000.
     */
    public Builder maxConnections(int max) {
      if (max < 1) throw new IllegalArgumentException("maxConnections must be at least 1: " + max);
      draft.maxConnections = max;
      return this;
    }

    /**
     * Sets the most connections open at once that are not yet secured: reading the PROXY header, in plaintext before
     * STARTTLS, or in the TLS handshake. When a new connection arrives with this many (or {@link
     * #maxConnections(int)} in all) open, the oldest unsecured connection is closed to make room and counted as
     * {@link ServerMetrics.HandshakeFailure#SHED}; a new connection is never refused while an older unsecured one
     * can be shed. Clients that stall their handshake (slowloris), reset it, or trickle plaintext before STARTTLS
     * therefore cannot lock out others: they hold at most this many slots, oldest evicted first, and an honest
     * handshake, which takes a few round trips, loses its slot only if this many newer unsecured connections arrive
     * while it runs. Secured connections are never shed. In STARTTLS mode a session that stays in plaintext counts as
     * unsecured for its whole life. Default 256, or {@link #maxConnections(int)} when that is smaller; must not
     * exceed it (refused by {@link #start()}).
     */
    public Builder maxHandshakes(int max) {
      if (max < 1) throw new IllegalArgumentException("maxHandshakes must be at least 1: " + max);
      draft.maxHandshakes = max;
      return this;
    }

    /**
     * Sets the time a client has to finish the TLS handshake (and PROXY header), one deadline for the whole
     * handshake however the client paces its bytes; separate from, and meant to be much shorter than, the idle
     * timeout. Default 10 s.
     */
    public Builder handshakeTimeout(Duration timeout) {
      draft.handshakeTimeout = positive(timeout, "handshakeTimeout");
      return this;
    }

    /**
     * Sets the time a connection has, from its accept, to be secured: PROXY header, the plaintext phase before the
     * upgrade (STARTTLS mode) and the TLS handshake together. When it passes the connection is closed and counted as
     * {@link ServerMetrics.HandshakeFailure#SETUP_TIMEOUT}; once the handshake is done it no longer applies, so TLS
     * sessions last as long as they stay within the idle timeout. It exists because the idle timeout restarts at
     * every byte: without it a client that sends one byte just inside each idle timeout keeps a plaintext connection
     * (and its slot of {@link #maxConnections}) forever. In STARTTLS mode a handler that serves whole sessions in
     * plaintext needs a value longer than its sessions.
     *
     * <p>Default 60 s, or the handshake timeout when that is longer: a few plaintext round trips (greeting, EHLO or
     * CAPABILITY, the upgrade command) and a handshake need a second or two even on slow links, so 60 s leaves wide
     * room for honest clients, while an attacker must open every slot again each minute, at least {@code
     * maxConnections / 60} connections per second to keep the server full, each one counted. Must not be shorter
     * than the handshake timeout (refused by {@link #start()}).
     */
    public Builder setupTimeout(Duration timeout) {
      draft.setupTimeout = positive(timeout, "setupTimeout");
      return this;
    }

    /**
     * Sets the time a read may wait for the client after the handshake; over TLS it also bounds each write to a client
     * that stops reading. Default 5 min.
     */
    public Builder idleTimeout(Duration timeout) {
      draft.idleTimeout = positive(timeout, "idleTimeout");
      return this;
    }

    /** Sets how long {@link TlsServer#close()} waits for open connections to end. Default 10 s. */
    public Builder drainTimeout(Duration timeout) {
      draft.drainTimeout = positive(timeout, "drainTimeout");
      return this;
    }

    /**
     * Polls the certificate files at this interval and reloads them when they change; the session-ticket key files
     * ({@link #sessionTicketKeys}) are polled at this interval too. Default: certificate files not watched, ticket key
     * files polled every second.
     */
    public Builder watchCertificates(Duration interval) {
      draft.watchInterval = positive(interval, "watch interval");
      return this;
    }

    /** Sets the listen backlog. Default 128. */
    public Builder backlog(int backlog) {
      draft.backlog = backlog;
      return this;
    }

    /**
     * Checks the settings against each other, binds every address and starts accepting.
     *
     * @throws IllegalArgumentException when two settings contradict each other (the message names both), or when
     *     session-ticket keys are set and the provider cannot take them (the message names the provider)
     * @throws IOException when an address cannot be bound or the session-ticket keys cannot be read
     */
    public TlsServer start() throws IOException {
      if (draft.handler == null) {
        throw new IllegalArgumentException("no handler to run for each connection; set handler(...) (or secure "
            + "sockets you accept yourself with buildServerTls())");
      }
      ServerConfig.Draft settings = draft.copy();
      return new TlsServer(settings, settings.resolve());
    }

    /**
     * Checks the settings as {@link #start()} does and returns, instead of a listening server, a {@link ServerTls}
     * that secures sockets the application accepted itself with these settings. Listening settings do not apply (see
     * {@link ServerTls}); the handler is not needed.
     *
     * @throws IllegalArgumentException when two settings contradict each other (the message names both)
     */
    public ServerTls buildServerTls() {
      return new ServerTls(draft.copy().resolve());
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive and finite: " + d);
      }
      return d;
    }
  }
}
