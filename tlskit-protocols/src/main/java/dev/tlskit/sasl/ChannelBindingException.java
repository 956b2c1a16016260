package dev.tlskit.sasl;

import dev.tlskit.ProtocolException;

/**
 * Signals that a login with channel binding ({@link SaslMechanism#SCRAM_SHA_256_PLUS}) failed for a reason tied to
 * the binding: the client could not compute the binding asked for (nothing was sent), or the server refused the
 * login that carried it.
 *
 * <p>A refusal cannot tell a wrong password from a binding the server computes differently (a server that does not
 * implement the type, a TLS-terminating proxy in front of it, or someone in the middle): SCRAM servers answer both
 * the same way. The message says so; logging in with another binding type, or with plain SCRAM-SHA-256, tells them
 * apart. Never retried automatically with a weaker mechanism: that is the downgrade channel binding exists to stop.
 */
public final class ChannelBindingException extends ProtocolException {
  /** Why the login failed. */
  public enum Reason {
    /** The binding could not be computed on this connection (no TLS, TLS 1.2 for tls-exporter, no exporter API). */
    UNAVAILABLE,
    /** The server refused the login that carried the binding, or reported that the bindings do not match. */
    REJECTED
  }

  private final Reason reason;
  private final ChannelBinding binding;

  /** Creates the error; {@code replyCode}/{@code replyText} are the server's refusal, or null when none. */
  public ChannelBindingException(Reason reason, ChannelBinding binding, String message, String replyCode,
      String replyText) {
    super(message, replyCode, replyText, null);
    this.reason = reason;
    this.binding = binding;
  }

  /** Returns why the login failed. */
  public Reason reason() {
    return reason;
  }

  /** Returns the binding type that was asked for or sent. */
  public ChannelBinding binding() {
    return binding;
  }
}
