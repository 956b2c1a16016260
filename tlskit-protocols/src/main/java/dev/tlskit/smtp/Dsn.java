package dev.tlskit.smtp;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Delivery status notification requests (RFC 3461) for one transaction: when to notify ({@code NOTIFY}), how much of
 * the message a bounce returns ({@code RET}), an envelope id ({@code ENVID}) and whether each recipient's original
 * address is passed on ({@code ORCPT}). Sent only when the server announces {@code DSN}; otherwise the transaction
 * goes ahead without them (the server's default: failures are reported) — check {@link SmtpClient#supports} first if
 * that matters. Immutable.
 *
 * <p>Defaults: notify as the server decides (no {@code NOTIFY}), no {@code RET}, no {@code ENVID}, no {@code ORCPT}.
 */
public final class Dsn {
  /** The events a sender can ask to be told about. */
  public enum Notify { SUCCESS, FAILURE, DELAY }

  /** What a notification carries back: the whole message or only its headers. */
  public enum Return { FULL, HEADERS }

  private final Set<Notify> notify; // null: no NOTIFY; empty: NOTIFY=NEVER
  private final Return ret;
  private final String envelopeId;
  private final boolean originalRecipients;

  private Dsn(Builder b) {
    this.notify = b.notify == null ? null : Set.copyOf(b.notify);
    this.ret = b.ret;
    this.envelopeId = b.envelopeId;
    this.originalRecipients = b.originalRecipients;
  }

  /** Returns an empty builder (see the class docs for the defaults). */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the envelope id, if one was set. */
  public Optional<String> envelopeId() {
    return Optional.ofNullable(envelopeId);
  }

  /** Returns the MAIL FROM parameters, each with a leading space. */
  String mailParameters() {
    StringBuilder sb = new StringBuilder();
    if (ret != null) sb.append(" RET=").append(ret == Return.FULL ? "FULL" : "HDRS");
    if (envelopeId != null) sb.append(" ENVID=").append(xtext(envelopeId));
    return sb.toString();
  }

  /** Returns the RCPT TO parameters for {@code recipient}, each with a leading space. */
  String recipientParameters(String recipient) {
    StringBuilder sb = new StringBuilder();
    if (notify != null) {
      sb.append(" NOTIFY=");
      if (notify.isEmpty()) {
        sb.append("NEVER");
      } else {
        String sep = "";
        for (Notify n : Notify.values()) {
          if (notify.contains(n)) sb.append(sep).append(n.name());
          if (notify.contains(n)) sep = ",";
        }
      }
    }
    // ORCPT's rfc822 type is ASCII; a UTF-8 address would need RFC 6533's utf-8 type, so it is left out
    if (originalRecipients && recipient.chars().allMatch(c -> c < 0x80)) {
      sb.append(" ORCPT=rfc822;").append(xtext(recipient));
    }
    return sb.toString();
  }

  /** RFC 3461 4: '+', '=' and anything outside '!'..'~' as "+HH". */
  static String xtext(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= '!' && c <= '~' && c != '+' && c != '=') sb.append((char) c);
      else sb.append('+').append(String.format("%02X", c));
    }
    return sb.toString();
  }

  /** Builds a {@link Dsn}. */
  public static final class Builder {
    private EnumSet<Notify> notify;
    private Return ret;
    private String envelopeId;
    private boolean originalRecipients;

    private Builder() {}

    /** Asks to be notified on these events ({@code NOTIFY=SUCCESS,FAILURE,...}); at least one. Default: unset. */
    public Builder notifyOn(Notify first, Notify... more) {
      notify = EnumSet.of(Objects.requireNonNull(first, "notify"), more);
      return this;
    }

    /** Asks never to be notified ({@code NOTIFY=NEVER}). Default: unset. */
    public Builder notifyNever() {
      notify = EnumSet.noneOf(Notify.class);
      return this;
    }

    /** Sets what a notification returns ({@code RET=FULL} or {@code RET=HDRS}). Default: unset. */
    public Builder ret(Return ret) {
      this.ret = Objects.requireNonNull(ret, "ret");
      return this;
    }

    /**
     * Sets the envelope id ({@code ENVID}) quoted back in notifications: 1 to 100 printable ASCII characters.
     * Default: none.
     */
    public Builder envelopeId(String id) {
      Objects.requireNonNull(id, "envelopeId");
      if (id.isEmpty() || id.length() > 100 || !id.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("envelopeId must be 1 to 100 printable ASCII characters: \"" + id + "\"");
      }
      this.envelopeId = id;
      return this;
    }

    /** Passes each recipient as its own original recipient ({@code ORCPT=rfc822;...}). Default false. */
    public Builder originalRecipients(boolean on) {
      this.originalRecipients = on;
      return this;
    }

    public Dsn build() {
      return new Dsn(this);
    }
  }
}
