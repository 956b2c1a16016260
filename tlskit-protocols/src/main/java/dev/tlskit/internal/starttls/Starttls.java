package dev.tlskit.internal.starttls;

import dev.tlskit.ProtocolException;
import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsSecurityException.Reason;
import dev.tlskit.internal.io.PeerText;
import java.io.IOException;
import java.net.Socket;
import java.util.Objects;

/**
 * The one STARTTLS path of every explicit-TLS client: SMTP, IMAP, POP3, FTP's AUTH TLS, {@code tlskit connect
 * --starttls} and {@code tlskit probe --starttls}. Go's shape: decide whether to upgrade ({@link #upgradeWanted}),
 * send the command and expect its reply, wrap the same socket ({@link #upgrade}); the caller then rebuilds its reader,
 * forgets every capability and greets again. Each protocol supplies only what differs ({@link StarttlsProtocol}: the
 * command, the reply that agrees, the capability that offers it) and one {@link Exchange} in its own reply syntax.
 *
 * <p>Rules, each written once here: TLS mode {@link TlsMode#STARTTLS} never sends the command when it is not
 * offered ({@link Reason#UPGRADE_NOT_OFFERED}); any answer but agreement, malformed ones included (a TLS alert where
 * the reply should be), is {@link Reason#UPGRADE_REFUSED}; a byte after the agreement is {@link
 * Reason#INJECTION_DETECTED} (checked by core, the same check on client and server); on every refusal the
 * connection is closed.
 */
public final class Starttls {
  private static final System.Logger DANGEROUS = System.getLogger("dev.tlskit.dangerous");

  private Starttls() {}

  /** The server's answer to the upgrade command: its status ("220", "OK", "+OK", "234") and its whole text. */
  public record Answer(String status, String text) {}

  /** Sends the upgrade command and reads exactly its answer, nothing beyond, in the protocol's own syntax. */
  @FunctionalInterface
  public interface Exchange {
    Answer send() throws IOException;
  }

  /**
   * Opens a connection for an already resolved mode: TLS from the first byte for {@link TlsMode#IMPLICIT}, plaintext
   * (to be upgraded through {@link #upgrade}) otherwise.
   */
  public static TlsConnection open(TlsClient client, String host, int port, String peerName, TlsMode mode)
      throws IOException {
    Objects.requireNonNull(client, "client");
    if (mode == TlsMode.AUTO) throw new IllegalArgumentException("resolve TlsMode.AUTO before opening");
    requireModeAllowed(client, mode);
    String name = peerName == null ? host : peerName;
    return mode == TlsMode.IMPLICIT ? client.connectTls(host, port, name) : client.connectPlain(host, port, name);
  }

  /**
   * Refuses {@link TlsMode#OPPORTUNISTIC} unless the client allowed it through {@code dangerous()}: it falls back to
   * plaintext whenever an attacker strips the server's offer, so it may not be reached by accident.
   *
   * @throws IllegalArgumentException naming the door, before anything is dialled
   */
  public static void requireModeAllowed(TlsClient client, TlsMode mode) {
    if (mode == TlsMode.OPPORTUNISTIC && !client.opportunisticTlsAllowed()) {
      throw new IllegalArgumentException("TlsMode.OPPORTUNISTIC goes on in plaintext when the upgrade is not offered;"
          + " allow it with TlsClient.builder().dangerous().allowOpportunisticTls(), or use STARTTLS");
    }
  }

  /**
   * Decides whether the upgrade must be attempted, given whether the server offered it. Returns false when there is
   * nothing to do (already TLS, {@link TlsMode#NONE}, or {@link TlsMode#OPPORTUNISTIC} without offer, which is
   * logged as dangerous).
   *
   * @throws TlsSecurityException {@link Reason#UPGRADE_NOT_OFFERED} when any other mode finds no offer; the
   *     connection is closed and the upgrade command was never sent
   */
  public static boolean upgradeWanted(TlsConnection c, StarttlsProtocol protocol, TlsMode mode, boolean offered)
      throws TlsSecurityException {
    if (c.isTls() || mode == TlsMode.NONE) return false;
    if (offered) return true;
    return notOffered(c, protocol, mode, "");
  }

  /**
   * Sends the upgrade command, requires agreement and switches the same socket to TLS ({@link
   * TlsConnection#upgradeToTls()}, which refuses any byte that came after the agreement). The caller must then
   * forget every capability and ask again.
   *
   * @return what was negotiated, or null when {@link TlsMode#OPPORTUNISTIC} met a server that answered that it lacks
   *     the upgrade (FTP's 500/502/504: FTP has no capability list to consult before)
   * @throws TlsSecurityException UPGRADE_REFUSED, UPGRADE_NOT_OFFERED, INJECTION_DETECTED or a handshake failure;
   *     the connection is closed
   */
  public static SecurityInfo upgrade(TlsConnection c, StarttlsProtocol protocol, TlsMode mode, Exchange exchange)
      throws IOException {
    return agreed(c, protocol, mode, exchange) ? c.upgradeToTls() : null;
  }

  /**
   * Like {@link #upgrade} with TLS required, but hands the plaintext socket over for a handshake the caller runs
   * itself ({@link TlsConnection#handOverForOwnHandshake()}, the same refusal of early plaintext): the probe, which
   * writes its own ClientHello.
   */
  public static Socket handOver(TlsConnection c, StarttlsProtocol protocol, Exchange exchange) throws IOException {
    agreed(c, protocol, TlsMode.STARTTLS, exchange);
    return c.handOverForOwnHandshake();
  }

  private static boolean agreed(TlsConnection c, StarttlsProtocol protocol, TlsMode mode, Exchange exchange)
      throws IOException {
    Answer answer;
    try {
      answer = exchange.send();
    } catch (ProtocolException e) { // a TLS alert, an overlong or shapeless line: not an agreement
      closeQuietly(c);
      throw new TlsSecurityException(Reason.UPGRADE_REFUSED, protocol + " server " + c.peerName() + " answered "
          + protocol.upgradeCommand() + " with a malformed reply: " + e.getMessage(), null, e);
    }
    if (answer.status().equals(protocol.agreement())) return true;
    if (protocol.saysNotOffered(answer.status())) {
      return notOffered(c, protocol, mode, "; server said: " + PeerText.quote(answer.text()));
    }
    closeQuietly(c);
    // The answer rides along as a typed cause: a caller can tell a temporary refusal ("454 TLS not available",
    // "421") from a permanent one (the probe retries the first kind).
    String message = protocol + " server " + c.peerName() + " refused " + protocol.upgradeCommand()
        + "; server said: " + PeerText.quote(answer.text());
    throw new TlsSecurityException(Reason.UPGRADE_REFUSED, message, null,
        new ProtocolException(message, answer.status(), answer.text(), null));
  }

  private static boolean notOffered(TlsConnection c, StarttlsProtocol protocol, TlsMode mode, String said)
      throws TlsSecurityException {
    if (mode == TlsMode.OPPORTUNISTIC) {
      DANGEROUS.log(System.Logger.Level.WARNING, "DANGEROUS: {0} does not offer {1}; going on in plaintext"
          + " (TlsMode.OPPORTUNISTIC){2}", c.peerName(), protocol.upgradeCommand(), said);
      return false;
    }
    closeQuietly(c);
    throw new TlsSecurityException(Reason.UPGRADE_NOT_OFFERED, protocol + " server does not advertise "
        + protocol.upgradeCommand() + "; TLS was required, so nothing else is sent in plaintext" + said);
  }

  /** Closes a connection, ignoring errors: used when aborting for a security reason. */
  public static void closeQuietly(TlsConnection c) {
    try {
      c.socket().close();
    } catch (IOException ignored) {
      // aborting anyway
    }
  }
}
