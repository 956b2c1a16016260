package dev.tlskit.sasl;

import dev.tlskit.ProtocolException;
import dev.tlskit.internal.io.PeerText;
import java.util.List;

/**
 * Signals that no login was attempted because the server does not offer the mechanism asked for (or, when none was
 * asked for, any mechanism the client knows for that kind of secret). Thrown before any credential is sent.
 */
public final class MechanismNotOfferedException extends ProtocolException {
  private final String requested;
  private final List<String> offered;

  /**
   * Creates the error; {@code requested} is a mechanism name or a description ("a password mechanism"),
   * {@code offered} what the server announced over the current link (untrusted server text).
   */
  public MechanismNotOfferedException(String server, String requested, List<String> offered) {
    super("no credential was sent: " + server + " does not offer " + requested + "; it offers "
        + (offered.isEmpty() ? "no SASL mechanism" : String.join(" ", offered)));
    this.requested = requested;
    this.offered = List.copyOf(offered);
  }

  /** Returns the mechanism asked for, or a description of the kind of secret when none was named. */
  public String requested() {
    return requested;
  }

  /** Returns the mechanism names the server offered (untrusted server text). */
  public List<String> offered() {
    return offered;
  }
}
