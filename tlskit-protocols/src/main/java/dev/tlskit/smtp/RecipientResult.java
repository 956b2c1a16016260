package dev.tlskit.smtp;

/** The server's answer to one recipient of a transaction. */
public record RecipientResult(String recipient, SmtpReply reply) {
  /** Returns true when the server accepted this recipient. */
  public boolean accepted() {
    return reply.code() / 100 == 2;
  }
}
