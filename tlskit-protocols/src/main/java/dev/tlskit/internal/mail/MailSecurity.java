package dev.tlskit.internal.mail;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsSecurityException.Reason;
import java.io.IOException;
import java.util.Objects;

/**
 * The security rules every mail client shares: how a mode opens the connection, the one upgrade path, the
 * credential guard and the command-argument check. Each protocol supplies only its own commands.
 */
public final class MailSecurity {
  private static final System.Logger DANGEROUS = System.getLogger("dev.tlskit.dangerous");

  private MailSecurity() {}

  /**
   * Opens a connection for an already resolved mode: TLS from the first byte for {@link TlsMode#IMPLICIT}, plaintext
   * (to be upgraded by the protocol) otherwise.
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
   * Decides whether the in-band upgrade must be attempted, given whether the server advertised it. Throws {@link
   * Reason#UPGRADE_NOT_OFFERED} when {@link TlsMode#STARTTLS} asked for an upgrade the server did not advertise;
   * returns false when there is nothing to do (already TLS, {@link TlsMode#NONE}, or opportunistic without offer).
   */
  public static boolean upgradeWanted(TlsConnection c, TlsMode mode, boolean advertised, String command)
      throws TlsSecurityException {
    if (c.isTls() || mode == TlsMode.NONE) return false;
    if (advertised) return true;
    if (mode == TlsMode.OPPORTUNISTIC) {
      DANGEROUS.log(System.Logger.Level.WARNING, "DANGEROUS: {0} did not advertise {1}; going on in plaintext"
          + " (TlsMode.OPPORTUNISTIC)", c.peerName(), command);
      return false;
    }
    closeQuietly(c);
    throw new TlsSecurityException(Reason.UPGRADE_NOT_OFFERED,
        c.peerName() + " did not advertise " + command + ", which TLS mode " + mode + " requires; nothing was sent");
  }

  /** The server's answer to an upgrade command: whether it is the success reply, and its text. */
  public record Answer(boolean accepted, String text) {}

  /** Sends the upgrade command and reads exactly its answer, nothing beyond. */
  @FunctionalInterface
  public interface UpgradeCommand {
    Answer send() throws IOException;
  }

  /**
   * Sends the upgrade command and switches to TLS. Any answer but success, malformed ones included, aborts with
   * {@link Reason#UPGRADE_REFUSED}, showing the server's text as such. Bytes the server sent after its answer are
   * refused by {@link TlsConnection#upgradeToTls()} ({@link Reason#INJECTION_DETECTED}). The caller must then forget
   * every capability and ask again.
   */
  public static void upgrade(TlsConnection c, String command, UpgradeCommand send) throws IOException {
    Answer answer;
    try {
      answer = send.send();
    } catch (ProtocolException e) {
      closeQuietly(c);
      throw new TlsSecurityException(Reason.UPGRADE_REFUSED,
          c.peerName() + " answered " + command + " with a malformed reply: " + e.getMessage(), null, e);
    }
    if (!answer.accepted()) {
      closeQuietly(c);
      throw new TlsSecurityException(Reason.UPGRADE_REFUSED,
          c.peerName() + " refused " + command + "; server said: " + ServerText.quote(answer.text()));
    }
    c.upgradeToTls();
  }

  /**
   * Refuses to send credentials over plaintext. Like Go's net/smtp, the only exception is a loopback peer with
   * {@link TlsMode#NONE} chosen by name: anything the server advertised before TLS may be an attacker's, so no
   * capability list can make plaintext safe, and only a local test server is allowed to see the secret.
   */
  public static void requireCredentialsAllowed(TlsConnection c, TlsMode requested, String command)
      throws TlsSecurityException {
    if (c.isTls()) return;
    if (requested == TlsMode.NONE && c.isLoopback()) return;
    throw new TlsSecurityException(Reason.PLAINTEXT_CREDENTIALS_REFUSED,
        command + " refused: the connection to " + c.peerName() + " is not encrypted"
            + (requested == TlsMode.NONE ? " and the peer is not on loopback" : ""));
  }

  /**
   * Returns {@code value} after checking that it can travel inside one command line: CR, LF and NUL would let it
   * smuggle a second command.
   *
   * @throws IllegalArgumentException naming the argument when it holds CR, LF or NUL
   */
  public static String checkArgument(String name, String value) {
    Objects.requireNonNull(value, name);
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == '\r' || ch == '\n' || ch == 0) {
        throw new IllegalArgumentException(name + " must not contain CR, LF or NUL: " + ServerText.quote(value));
      }
    }
    return value;
  }

  /**
   * Returns {@code value} after the same check as {@link #checkArgument}, but the error does not repeat the value:
   * for secrets, and for whole command lines that may hold one.
   */
  public static String checkSecret(String name, String value) {
    Objects.requireNonNull(value, name);
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == '\r' || ch == '\n' || ch == 0) {
        throw new IllegalArgumentException(name + " must not contain CR, LF or NUL (value not shown)");
      }
    }
    return value;
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
