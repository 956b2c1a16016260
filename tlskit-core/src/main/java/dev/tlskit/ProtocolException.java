package dev.tlskit;

/**
 * Signals that the peer refused a command or broke the protocol: a negative reply (with its code and text), a
 * malformed or oversized reply, or a stream that ended in the middle of one. The command line maps this to exit
 * code 1.
 */
public class ProtocolException extends TlsKitException {
  private final String replyCode;
  private final String replyText;

  /** Creates an error for a malformed exchange, with no reply code. */
  public ProtocolException(String message) {
    this(message, null, null, null);
  }

  public ProtocolException(String message, Throwable cause) {
    this(message, null, null, cause);
  }

  /**
   * Creates an error for a negative reply: {@code replyCode} as the protocol spells it ("535", "NO", "-ERR"),
   * {@code replyText} exactly as the server sent it.
   */
  public ProtocolException(String message, String replyCode, String replyText, Throwable cause) {
    super(message, cause);
    this.replyCode = replyCode;
    this.replyText = replyText;
  }

  /** Returns the reply code as the protocol spells it, or null when the error is not a negative reply. */
  public String replyCode() {
    return replyCode;
  }

  /** Returns the server's reply text, or null. This text comes from the server and is untrusted. */
  public String replyText() {
    return replyText;
  }
}
