package dev.tlskit.smtp;

import dev.tlskit.internal.mail.Addresses;
import dev.tlskit.internal.starttls.Guards;
import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A MIME mail (RFC 2045–2049): a text body, an HTML alternative, inline images the HTML refers to by Content-ID,
 * and attachments, composed with Jakarta Mail's MIME classes (Angus Mail). Non-ASCII subjects and display names are
 * RFC 2047 encoded words, non-ASCII file names RFC 2231 parameters. Text is UTF-8 in quoted-printable (or base64 when
 * mostly non-ASCII), attachments and inline images are base64, so the result is 7-bit and needs neither 8BITMIME nor
 * SMTPUTF8 (addresses are ASCII here). Addresses are checked as RFC 5321 mailboxes when added. Immutable.
 *
 * <p>The shape: {@code multipart/mixed} (only with attachments) of {@code multipart/alternative} (only with both
 * text and HTML) of text and {@code multipart/related} (only with inline images) of HTML and images.
 */
public final class MimeMail {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final InternetAddress from;
  private final List<InternetAddress> to;
  private final List<InternetAddress> cc;
  private final List<String> bcc;
  private final String subject;
  private final String text;
  private final String html;
  private final List<Part> inline;
  private final List<Part> attachments;
  private final ZonedDateTime date;

  private record Part(String fileName, String contentType, byte[] content, String contentId) {}

  private MimeMail(Builder b) {
    if (b.from == null) throw new IllegalArgumentException("a sender (from) is required");
    if (b.to.isEmpty() && b.cc.isEmpty() && b.bcc.isEmpty()) {
      throw new IllegalArgumentException("at least one recipient (to, cc or bcc) is required");
    }
    if (b.text == null && b.html == null) throw new IllegalArgumentException("a text or HTML body is required");
    if (b.html == null && !b.inline.isEmpty()) {
      throw new IllegalArgumentException("inline images need an HTML body to refer to them");
    }
    this.from = b.from;
    this.to = List.copyOf(b.to);
    this.cc = List.copyOf(b.cc);
    this.bcc = List.copyOf(b.bcc);
    this.subject = b.subject;
    this.text = b.text;
    this.html = b.html;
    this.inline = List.copyOf(b.inline);
    this.attachments = List.copyOf(b.attachments);
    this.date = b.date;
  }

  /** Returns an empty builder; the subject defaults to empty, the date to the time of {@link #toBytes()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the sender's address (the envelope sender). */
  public String from() {
    return from.getAddress();
  }

  /** Returns every envelope recipient: To, then Cc, then Bcc (Bcc never appears in the headers). */
  public List<String> recipients() {
    return Stream.of(to.stream().map(InternetAddress::getAddress), cc.stream().map(InternetAddress::getAddress),
        bcc.stream()).flatMap(s -> s).distinct().toList();
  }

  /** Returns the message as RFC 5322 bytes with CRLF line ends, 7-bit throughout. */
  public byte[] toBytes() {
    try {
      Session session = Session.getInstance(new Properties());
      String domain = from().substring(from().lastIndexOf('@') + 1);
      byte[] idBytes = new byte[12];
      RANDOM.nextBytes(idBytes);
      String messageId = "<" + HexFormat.of().formatHex(idBytes) + "@" + domain + ">";
      MimeMessage m = new MimeMessage(session) {
        @Override
        protected void updateMessageID() throws MessagingException {
          setHeader("Message-ID", messageId); // the default asks the local host's name of DNS
        }
      };
      m.setFrom(from);
      if (!to.isEmpty()) m.setRecipients(MimeMessage.RecipientType.TO, to.toArray(InternetAddress[]::new));
      if (!cc.isEmpty()) m.setRecipients(MimeMessage.RecipientType.CC, cc.toArray(InternetAddress[]::new));
      m.setSubject(subject, "UTF-8");
      m.setSentDate(Date.from((date == null ? ZonedDateTime.now() : date).toInstant()));
      MimeBodyPart body = body();
      if (attachments.isEmpty()) {
        setContent(m, body);
      } else {
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(body);
        for (Part a : attachments) mixed.addBodyPart(filePart(a, MimeBodyPart.ATTACHMENT));
        m.setContent(mixed);
      }
      m.saveChanges();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      m.writeTo(out);
      return out.toByteArray();
    } catch (MessagingException e) {
      throw new IllegalStateException("MIME composition failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory
    }
  }

  /** Puts a body part's content onto the message itself (a mail of one part). */
  private void setContent(MimeMessage m, MimeBodyPart part) throws MessagingException, IOException {
    if (part.getContent() instanceof MimeMultipart mp) {
      m.setContent(mp);
    } else {
      String content = text != null ? text : html;
      m.setText(content, "UTF-8", text != null ? "plain" : "html");
      m.setHeader("Content-Transfer-Encoding", transferEncoding(content));
    }
  }

  private MimeBodyPart body() throws MessagingException {
    MimeBodyPart htmlPart = null;
    if (html != null) {
      htmlPart = textPart(html, "html");
      if (!inline.isEmpty()) {
        MimeMultipart related = new MimeMultipart("related");
        related.addBodyPart(htmlPart);
        for (Part p : inline) related.addBodyPart(filePart(p, MimeBodyPart.INLINE));
        htmlPart = new MimeBodyPart();
        htmlPart.setContent(related);
      }
    }
    if (text == null) return htmlPart;
    MimeBodyPart textPart = textPart(text, "plain");
    if (htmlPart == null) return textPart;
    MimeMultipart alternative = new MimeMultipart("alternative");
    alternative.addBodyPart(textPart); // least preferred first (RFC 2046 5.1.4)
    alternative.addBodyPart(htmlPart);
    MimeBodyPart part = new MimeBodyPart();
    part.setContent(alternative);
    return part;
  }

  private static MimeBodyPart textPart(String content, String subtype) throws MessagingException {
    MimeBodyPart p = new MimeBodyPart();
    p.setText(content, "UTF-8", subtype);
    // quoted-printable unless mostly non-ASCII (base64); never 8bit, which would need 8BITMIME
    p.setHeader("Content-Transfer-Encoding", transferEncoding(content));
    return p;
  }

  private static String transferEncoding(String content) {
    long nonAscii = content.chars().filter(c -> c >= 0x80).count();
    boolean longLine = Stream.of(content.split("\n")).anyMatch(l -> l.length() > 76);
    if (nonAscii == 0 && !longLine && !content.contains("\r")) return "7bit";
    return nonAscii * 3 > content.length() ? "base64" : "quoted-printable";
  }

  private static MimeBodyPart filePart(Part a, String disposition) throws MessagingException {
    MimeBodyPart p = new MimeBodyPart();
    p.setDataHandler(new DataHandler(new ByteArrayDataSource(a.content(), a.contentType())));
    p.setDisposition(disposition);
    p.setFileName(a.fileName()); // RFC 2231 for non-ASCII names (mail.mime.encodeparameters, on by default)
    p.setHeader("Content-Type", a.contentType() + "; name=" + quoteParam(a.fileName()));
    p.setHeader("Content-Transfer-Encoding", "base64"); // decoded byte for byte, whatever the content
    if (a.contentId() != null) p.setContentID("<" + a.contentId() + ">");
    return p;
  }

  private static String quoteParam(String name) {
    // the legacy name= parameter: kept ASCII; the RFC 2231 filename* parameter on the disposition is exact
    StringBuilder sb = new StringBuilder("\"");
    for (char c : name.toCharArray()) sb.append(c < 0x20 || c >= 0x7f || c == '"' || c == '\\' ? '_' : c);
    return sb.append('"').toString();
  }

  @Override
  public String toString() {
    return "MimeMail{from=" + from() + ", recipients=" + recipients() + ", subject=" + subject + ", attachments="
        + attachments.size() + ", inline=" + inline.size() + "}";
  }

  /** Builds a {@link MimeMail}. */
  public static final class Builder {
    private InternetAddress from;
    private final List<InternetAddress> to = new ArrayList<>();
    private final List<InternetAddress> cc = new ArrayList<>();
    private final List<String> bcc = new ArrayList<>();
    private String subject = "";
    private String text;
    private String html;
    private final List<Part> inline = new ArrayList<>();
    private final List<Part> attachments = new ArrayList<>();
    private ZonedDateTime date;

    private Builder() {}

    /** Sets the sender (required). */
    public Builder from(String address) {
      return from(address, null);
    }

    /** Sets the sender with a display name (may be non-ASCII; null for none). */
    public Builder from(String address, String displayName) {
      this.from = address("from", address, displayName);
      return this;
    }

    /** Adds a To recipient. At least one recipient of any kind is required. */
    public Builder to(String address) {
      return to(address, null);
    }

    /** Adds a To recipient with a display name (may be non-ASCII; null for none). */
    public Builder to(String address, String displayName) {
      to.add(address("to", address, displayName));
      return this;
    }

    /** Adds a Cc recipient. */
    public Builder cc(String address) {
      cc.add(address("cc", address, null));
      return this;
    }

    /** Adds a Bcc recipient: in the envelope only, never in the headers. */
    public Builder bcc(String address) {
      bcc.add(Addresses.check("bcc", Objects.requireNonNull(address, "bcc")));
      return this;
    }

    /** Sets the subject (may be non-ASCII). Default empty. */
    public Builder subject(String subject) {
      this.subject = Guards.checkArgument("subject", Objects.requireNonNull(subject, "subject"));
      return this;
    }

    /** Sets the plain-text body. A text or HTML body (or both, as alternatives) is required. */
    public Builder text(String text) {
      this.text = Objects.requireNonNull(text, "text");
      return this;
    }

    /** Sets the HTML body, the preferred alternative to the text. */
    public Builder html(String html) {
      this.html = Objects.requireNonNull(html, "html");
      return this;
    }

    /** Attaches a file read now; its type is guessed from its name, else {@code application/octet-stream}. */
    public Builder attach(Path file) throws IOException {
      String type = Files.probeContentType(file);
      return attach(file.getFileName().toString(), type == null ? "application/octet-stream" : type,
          Files.readAllBytes(file));
    }

    /** Attaches {@code content} as {@code fileName} (may be non-ASCII) of MIME type {@code contentType}. */
    public Builder attach(String fileName, String contentType, byte[] content) {
      attachments.add(part(fileName, contentType, content, null));
      return this;
    }

    /**
     * Adds an inline image (or other part) that the HTML body shows as {@code <img src="cid:contentId">}.
     * {@code contentId} is the bare id, without angle brackets, e.g. {@code logo@example.com}.
     */
    public Builder inline(String contentId, String fileName, String contentType, byte[] content) {
      Guards.checkArgument("contentId", Objects.requireNonNull(contentId, "contentId"));
      if (!contentId.matches("[\\x21-\\x7e&&[^<>\\s\"()\\[\\]\\\\,;:]]+")) {
        throw new IllegalArgumentException("contentId must be printable ASCII without brackets: " + contentId);
      }
      inline.add(part(fileName, contentType, content, contentId));
      return this;
    }

    /** Sets the Date header. Default: the time the message is rendered. */
    public Builder date(ZonedDateTime date) {
      this.date = date;
      return this;
    }

    public MimeMail build() {
      return new MimeMail(this);
    }

    private static Part part(String fileName, String contentType, byte[] content, String contentId) {
      Guards.checkArgument("fileName", Objects.requireNonNull(fileName, "fileName"));
      Objects.requireNonNull(contentType, "contentType");
      if (!contentType.matches("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+")) {
        throw new IllegalArgumentException("contentType must be type/subtype without parameters: " + contentType);
      }
      return new Part(fileName, contentType, content.clone(), contentId);
    }

    private static InternetAddress address(String role, String address, String displayName) {
      Addresses.check(role, Objects.requireNonNull(address, role));
      if (Addresses.isInternational(address)) {
        throw new dev.tlskit.smtp.InvalidAddressException(role, address, "MimeMail takes ASCII addresses");
      }
      try {
        if (displayName != null) Guards.checkArgument("displayName", displayName);
        return new InternetAddress(address, displayName, "UTF-8");
      } catch (java.io.UnsupportedEncodingException e) {
        throw new IllegalStateException(e); // UTF-8 is always there
      }
    }
  }
}
