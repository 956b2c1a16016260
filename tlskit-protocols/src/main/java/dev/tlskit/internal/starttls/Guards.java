package dev.tlskit.internal.starttls;

import dev.tlskit.TlsConnection;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.TlsSecurityException.Reason;
import dev.tlskit.internal.io.PeerText;
import java.util.Objects;

/**
 * The two guards every line-protocol client (SMTP, IMAP, POP3, FTP, the STARTTLS preamble) applies before it writes:
 * no credentials over plaintext, no CR, LF or NUL inside a command argument.
 */
public final class Guards {
  private Guards() {}

  /**
   * Refuses to send credentials over plaintext. Like Go's net/smtp, the only exception is a loopback peer with
   * {@link TlsMode#NONE} chosen by name: anything the server advertised before TLS may be an attacker's, so no
   * capability list can make plaintext safe, and only a local test server is allowed to see the secret.
   *
   * @param command what would carry the credentials ("AUTH", "LOGIN", "USER/PASS"), named in the refusal
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
   * @throws IllegalArgumentException naming the argument and showing the value, when it holds CR, LF or NUL
   */
  public static String checkArgument(String name, String value) {
    return check(name, value, true);
  }

  /**
   * Returns {@code value} after the same check as {@link #checkArgument}, but the error does not repeat the value:
   * for secrets, and for whole command lines that may hold one.
   */
  public static String checkSecret(String name, String value) {
    return check(name, value, false);
  }

  private static String check(String name, String value, boolean show) {
    Objects.requireNonNull(value, name);
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == '\r' || ch == '\n' || ch == 0) {
        throw new IllegalArgumentException(name + " must not contain CR, LF or NUL"
            + (show ? ": " + PeerText.quote(value) : " (value not shown)"));
      }
    }
    return value;
  }
}
