package dev.tlskit.smtp;

import java.util.List;

/**
 * The outcome of one mail transaction: the answer to each recipient (in the order given) and the server's answer to
 * the message itself. Delivery happened for exactly the accepted recipients.
 */
public record SendResult(List<RecipientResult> recipients, SmtpReply dataReply) {
  public SendResult {
    recipients = List.copyOf(recipients);
  }

  /** Returns the recipients the server accepted. */
  public List<String> accepted() {
    return recipients.stream().filter(RecipientResult::accepted).map(RecipientResult::recipient).toList();
  }

  /** Returns the recipients the server refused, with its answers. */
  public List<RecipientResult> rejected() {
    return recipients.stream().filter(r -> !r.accepted()).toList();
  }
}
