package dev.tlskit.pop3;

/** One POP3 status line: {@code +OK} or {@code -ERR} and the server's (untrusted) text. */
public record Pop3Reply(boolean ok, String text) {
  /** Returns the status as the protocol spells it. */
  public String code() {
    return ok ? "+OK" : "-ERR";
  }

  @Override
  public String toString() {
    return text.isEmpty() ? code() : code() + " " + text;
  }
}
