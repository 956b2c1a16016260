package dev.tlskit.smtp;

import dev.tlskit.internal.starttls.Guards;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A plain-text mail (RFC 5322, UTF-8 body) built from a sender, recipients, a subject and a body. Header values may
 * not contain CR, LF or NUL, so a subject cannot smuggle extra headers. Immutable.
 */
public final class SimpleMail {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String from;
  private final List<String> to;
  private final String subject;
  private final String body;
  private final ZonedDateTime date;

  private SimpleMail(Builder b) {
    this.from = Guards.checkArgument("from", Objects.requireNonNull(b.from, "from"));
    if (b.to.isEmpty()) throw new IllegalArgumentException("at least one recipient (to) is required");
    this.to = List.copyOf(b.to);
    this.subject = Guards.checkArgument("subject", b.subject);
    this.body = Objects.requireNonNull(b.body, "body");
    this.date = b.date == null ? ZonedDateTime.now() : b.date;
  }

  /** Returns an empty builder; subject and body default to empty, the date to now. */
  public static Builder builder() {
    return new Builder();
  }

  public String from() {
    return from;
  }

  public List<String> recipients() {
    return to;
  }

  /** Returns the message as RFC 5322 bytes: headers (non-ASCII subject RFC 2047-encoded), blank line, body. */
  public byte[] toBytes() {
    boolean eightBit = body.chars().anyMatch(c -> c >= 0x80);
    StringBuilder sb = new StringBuilder();
    sb.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(date)).append("\r\n");
    sb.append("From: ").append(from).append("\r\n");
    sb.append("To: ").append(String.join(", ", to)).append("\r\n");
    sb.append("Subject: ").append(encodeWord(subject)).append("\r\n");
    String domain = from.contains("@") ? from.substring(from.lastIndexOf('@') + 1) : "localhost";
    byte[] id = new byte[12];
    RANDOM.nextBytes(id);
    sb.append("Message-ID: <").append(HexFormat.of().formatHex(id)).append('@').append(domain).append(">\r\n");
    sb.append("MIME-Version: 1.0\r\n");
    sb.append("Content-Type: text/plain; charset=UTF-8\r\n");
    sb.append("Content-Transfer-Encoding: ").append(eightBit ? "8bit" : "7bit").append("\r\n\r\n");
    sb.append(body.replace("\r\n", "\n").replace("\n", "\r\n"));
    if (!body.endsWith("\n")) sb.append("\r\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String encodeWord(String s) {
    if (s.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) return s;
    return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)) + "?=";
  }

  /** Builds a {@link SimpleMail}. */
  public static final class Builder {
    private String from;
    private final List<String> to = new ArrayList<>();
    private String subject = "";
    private String body = "";
    private ZonedDateTime date;

    private Builder() {}

    /** Sets the sender address (required). */
    public Builder from(String address) {
      this.from = address;
      return this;
    }

    /** Adds a recipient (at least one is required). */
    public Builder to(String address) {
      to.add(Guards.checkArgument("to", address));
      return this;
    }

    /** Sets the subject. Default empty. */
    public Builder subject(String subject) {
      this.subject = Objects.requireNonNull(subject, "subject");
      return this;
    }

    /** Sets the UTF-8 text body. Default empty. */
    public Builder body(String body) {
      this.body = Objects.requireNonNull(body, "body");
      return this;
    }

    /** Sets the Date header. Default: the time of {@link #build()}. */
    public Builder date(ZonedDateTime date) {
      this.date = date;
      return this;
    }

    public SimpleMail build() {
      return new SimpleMail(this);
    }
  }

  @Override
  public String toString() {
    return "SimpleMail{from=" + from + ", to=" + to + ", subject=" + subject + "}";
  }
}
