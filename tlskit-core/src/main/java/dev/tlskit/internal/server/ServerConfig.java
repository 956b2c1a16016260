package dev.tlskit.internal.server;

import dev.tlskit.Authorizer;
import dev.tlskit.ServerCertificates;
import dev.tlskit.ServerHandler;
import dev.tlskit.ServerListener;
import dev.tlskit.SessionTicketKeys;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsServer;
import dev.tlskit.TlsServer.ClientAuth;
import dev.tlskit.Trust;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of a {@link TlsServer}, checked and resolved (defaults applied, client issuers folded into the
 * policy): what {@link TlsServer.Builder#start()} hands to the server's parts.
 */
public record ServerConfig(
    ServerHandler handler, ServerCertificates certificates, List<InetSocketAddress> addresses, int backlog,
    TlsMode mode, ClientAuth clientAuth, TlsPolicy policy, Authorizer authorizer, ServerListener listener,
    List<String> alpn, boolean alpnRequired, boolean sessionResumption, boolean rejectUnknownNames,
    boolean proxyProtocol, int maxConnections, int maxHandshakes, Duration handshakeTimeout, Duration setupTimeout,
    Duration idleTimeout, Duration drainTimeout, Duration watchInterval, SessionTicketKeys ticketKeys) {

  /** The default setup timeout. */
  static final Duration DEFAULT_SETUP_TIMEOUT = Duration.ofSeconds(TlsServer.Builder.DEFAULT_SETUP_TIMEOUT_SECONDS);
  /** How often session-ticket key files are polled when no watch interval is set: the fleet's rotation window. */
  static final Duration DEFAULT_TICKET_KEY_POLL = Duration.ofSeconds(1);

  /** Returns how often the session-ticket key files are polled: the watch interval, else every second. */
  public Duration ticketKeyPoll() {
    return watchInterval != null ? watchInterval : DEFAULT_TICKET_KEY_POLL;
  }

  /**
   * The settings as a {@link TlsServer.Builder} collects them, before they are checked: unset values are null, the
   * order in which they were set does not matter. Public fields: only the builder writes them.
   */
  public static final class Draft {
    public ServerHandler handler;
    public ServerCertificates certificates;
    public List<InetSocketAddress> addresses = new ArrayList<>();
    public TlsMode mode = TlsMode.IMPLICIT;
    public ClientAuth clientAuth = ClientAuth.NONE;
    public TlsPolicy policy = TlsPolicy.MODERN;
    public List<X509Certificate> clientIssuers; // null: the policy's trust
    public Authorizer authorizer = Authorizer.ALLOW_ALL;
    public ServerListener listener = new ServerListener() {};
    public List<String> alpn = List.of();
    public boolean alpnRequired;
    public boolean sessionResumption = true;
    public boolean rejectUnknownNames;
    public boolean proxyProtocol;
    public int maxConnections = TlsServer.Builder.DEFAULT_MAX_CONNECTIONS;
    public Integer maxHandshakes; // null: DEFAULT_MAX_HANDSHAKES, or maxConnections if that is smaller
    public int backlog = 128;
    public Duration handshakeTimeout = Duration.ofSeconds(TlsServer.Builder.DEFAULT_HANDSHAKE_TIMEOUT_SECONDS);
    public Duration setupTimeout; // null: DEFAULT_SETUP_TIMEOUT, or the handshake timeout if that is longer
    public Duration idleTimeout = Duration.ofSeconds(TlsServer.Builder.DEFAULT_IDLE_TIMEOUT_SECONDS);
    public Duration drainTimeout = Duration.ofSeconds(10);
    public Duration watchInterval; // null: not watched
    public SessionTicketKeys ticketKeys; // null: the engine's own keys

    /** Returns an independent copy. */
    public Draft copy() {
      Draft d = new Draft();
      d.handler = handler;
      d.certificates = certificates;
      d.addresses = new ArrayList<>(addresses);
      d.mode = mode;
      d.clientAuth = clientAuth;
      d.policy = policy;
      d.clientIssuers = clientIssuers;
      d.authorizer = authorizer;
      d.listener = listener;
      d.alpn = alpn;
      d.alpnRequired = alpnRequired;
      d.sessionResumption = sessionResumption;
      d.rejectUnknownNames = rejectUnknownNames;
      d.proxyProtocol = proxyProtocol;
      d.maxConnections = maxConnections;
      d.maxHandshakes = maxHandshakes;
      d.backlog = backlog;
      d.handshakeTimeout = handshakeTimeout;
      d.setupTimeout = setupTimeout;
      d.idleTimeout = idleTimeout;
      d.drainTimeout = drainTimeout;
      d.watchInterval = watchInterval;
      d.ticketKeys = ticketKeys;
      return d;
    }

    /**
     * Checks the settings against each other and resolves the defaults.
     *
     * @throws IllegalArgumentException naming both settings of a contradiction
     */
    public ServerConfig resolve() {
      boolean ownTrust = !policy.trust().isSystem();
      if (clientIssuers != null && ownTrust) {
        throw new IllegalArgumentException("trustedClientIssuers and the policy's own trust (" + policy.trust()
            + ") both name the client CAs; set one of them");
      }
      if (clientAuth != ClientAuth.NONE && !ownTrust && clientIssuers == null) {
        throw new IllegalArgumentException("clientAuth " + clientAuth + " with the policy's system trust would admit "
            + "any publicly issued certificate; set trustedClientIssuers (or a policy trusting your client CA)");
      }
      if (clientAuth == ClientAuth.NONE && clientIssuers != null) {
        throw new IllegalArgumentException("trustedClientIssuers is set but clientAuth is NONE; set clientAuth WANT "
            + "or NEED");
      }
      List<String> protocols = alpn.isEmpty() ? policy.alpn() : alpn;
      if (alpnRequired && protocols.isEmpty()) {
        throw new IllegalArgumentException("alpnRequired is set but no alpn protocols are configured");
      }
      if (maxHandshakes != null && maxHandshakes > maxConnections) {
        throw new IllegalArgumentException("maxHandshakes " + maxHandshakes + " exceeds maxConnections "
            + maxConnections + ", which it is part of; lower maxHandshakes or raise maxConnections");
      }
      if (setupTimeout != null && setupTimeout.compareTo(handshakeTimeout) < 0) {
        throw new IllegalArgumentException("setupTimeout " + setupTimeout.toMillis() + " ms is shorter than "
            + "handshakeTimeout " + handshakeTimeout.toMillis() + " ms, which it includes; raise setupTimeout or "
            + "lower handshakeTimeout");
      }
      if (ticketKeys != null && !sessionResumption) {
        throw new IllegalArgumentException("sessionTicketKeys " + ticketKeys + " are set but sessionResumption is "
            + "off, so no ticket would be issued; turn sessionResumption on or drop the ticket keys");
      }
      TlsPolicy effective = clientIssuers == null ? policy
          : policy.toBuilder().trust(Trust.anchors(clientIssuers)).build();
      List<InetSocketAddress> listen = addresses.isEmpty()
          ? List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)) : List.copyOf(addresses);
      int unsecured = maxHandshakes != null ? maxHandshakes
          : Math.min(TlsServer.Builder.DEFAULT_MAX_HANDSHAKES, maxConnections);
      Duration setup = setupTimeout != null ? setupTimeout
          : handshakeTimeout.compareTo(DEFAULT_SETUP_TIMEOUT) > 0 ? handshakeTimeout : DEFAULT_SETUP_TIMEOUT;
      return new ServerConfig(handler, certificates, listen, backlog, mode, clientAuth, effective, authorizer,
          listener, List.copyOf(protocols), alpnRequired, sessionResumption, rejectUnknownNames, proxyProtocol,
          maxConnections, unsecured, handshakeTimeout, setup, idleTimeout, drainTimeout, watchInterval, ticketKeys);
    }
  }
}
