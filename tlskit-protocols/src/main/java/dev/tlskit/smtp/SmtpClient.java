package dev.tlskit.smtp;

import dev.tlskit.ProtocolException;
import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsMode;
import dev.tlskit.internal.starttls.AutoTls;
import dev.tlskit.internal.starttls.Guards;
import dev.tlskit.internal.starttls.Starttls;
import dev.tlskit.internal.starttls.StarttlsProtocol;
import dev.tlskit.internal.mail.Addresses;
import dev.tlskit.internal.mail.SaslSession;
import dev.tlskit.sasl.ChannelBinding;
import dev.tlskit.sasl.MechanismNotOfferedException;
import dev.tlskit.sasl.SaslMechanism;
import dev.tlskit.internal.io.PeerText;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An SMTP submission client (RFC 5321, 6409) that secures itself: implicit TLS, or a required STARTTLS (RFC 3207)
 * done before anything else, after which every EHLO keyword learned in plaintext is forgotten and asked again.
 *
 * <p>{@link #connect} leaves the session greeted, secured as the mode demands and ready for {@link #login} and
 * {@link #send}. Credentials are refused over plaintext unless {@link TlsMode#NONE} was chosen and the server is on
 * loopback. Not thread-safe.
 */
public final class SmtpClient implements Closeable {
  /** The implicit-TLS submission port (RFC 8314). */
  public static final int SUBMISSIONS_PORT = 465;
  /** The submission port with STARTTLS (RFC 6409). */
  public static final int SUBMISSION_PORT = 587;

  static final int MAX_LINE = 4096;
  static final int MAX_REPLY_LINES = 200;

  private final TlsConnection conn;
  private final TlsMode mode;
  private ChannelBinding binding;
  private final TlsMode.Decision decision;
  private final String localName;
  private Map<String, String> extensions = Map.of();
  /** BDAT chunk size; a field so that transcripts can show several chunks. */
  int chunkSize = 1 << 20;
  private SmtpReply greeting;

  private SmtpClient(AutoTls.Opened opened, String localName) {
    this.conn = opened.connection();
    this.decision = opened.decision();
    this.mode = decision.mode();
    this.localName = localName;
  }

  /**
   * Connects with {@code mode} (see {@link TlsMode#AUTO}: implicit on 465, STARTTLS on 25 and 587, looks on other
   * ports), verifying the server as {@code host}.
   */
  public static SmtpClient connect(TlsClient client, String host, int port, TlsMode mode) throws IOException {
    return connect(client, host, port, host, mode, "localhost");
  }

  /**
   * Connects, reads the greeting, says EHLO as {@code localName} and secures the session as {@code mode} demands;
   * the certificate is verified against {@code peerName}.
   *
   * @throws dev.tlskit.TlsSecurityException when STARTTLS is required but absent or refused, plaintext was
   *     injected at the switch, or the handshake failed
   * @throws dev.tlskit.AutoTlsException when {@link TlsMode#AUTO} looked and found neither a greeting nor TLS
   */
  public static SmtpClient connect(
      TlsClient client, String host, int port, String peerName, TlsMode mode, String localName) throws IOException {
    Guards.checkArgument("localName", localName);
    SmtpClient smtp = new SmtpClient(AutoTls.open(client, host, port, peerName, mode, StarttlsProtocol.SMTP),
        localName);
    TlsConnection conn = smtp.conn;
    try {
      smtp.greeting = smtp.readReply();
      if (smtp.greeting.code() != 220) throw refusal("greeting", smtp.greeting);
      smtp.hello();
      smtp.startTlsIfRequired();
      return smtp;
    } catch (IOException | RuntimeException e) {
      Starttls.closeQuietly(conn);
      throw e;
    }
  }

  private void startTlsIfRequired() throws IOException {
    if (!Starttls.upgradeWanted(conn, StarttlsProtocol.SMTP, mode, extensions.containsKey("STARTTLS"))) return;
    Starttls.upgrade(conn, StarttlsProtocol.SMTP, mode, () -> {
      SmtpReply r = cmd(0, "STARTTLS");
      return new Starttls.Answer(String.valueOf(r.code()), r.toString());
    });
    extensions = Map.of(); // learned in plaintext: possibly the attacker's
    hello();
  }

  /** Says EHLO (HELO if the server does not know EHLO) and records the extensions it announces. */
  private void hello() throws IOException {
    SmtpReply r = cmd(0, "EHLO %s", localName);
    if (r.code() == 250) {
      Map<String, String> ext = new LinkedHashMap<>();
      for (String line : r.lines().subList(1, r.lines().size())) {
        String[] kv = line.split(" ", 2);
        ext.put(kv[0].toUpperCase(Locale.ROOT), kv.length > 1 ? kv[1] : "");
      }
      extensions = Map.copyOf(ext);
    } else if (r.code() / 100 == 5) {
      cmd(250, "HELO %s", localName);
      extensions = Map.of();
    } else {
      throw refusal("EHLO", r);
    }
  }

  /** Returns the TLS mode this connection used ({@link TlsMode#AUTO} resolved) and what settled it. */
  public TlsMode.Decision tlsModeDecision() {
    return decision;
  }

  /** Returns the server's greeting. */
  public SmtpReply greeting() {
    return greeting;
  }

  /** Returns the EHLO keywords the server announced (upper case) with their parameters; after TLS, only new ones. */
  public Map<String, String> extensions() {
    return extensions;
  }

  /** Returns true when the server announced {@code keyword} in its last EHLO reply. */
  public boolean supports(String keyword) {
    return extensions.containsKey(keyword.toUpperCase(Locale.ROOT));
  }

  /**
   * Sets the channel binding a SCRAM-SHA-256-PLUS login carries; returns this client. Default (null): {@link
   * ChannelBinding}'s, tls-exporter on TLS 1.3 when the runtime can export keying material, else
   * tls-server-end-point. SCRAM does not negotiate the type: a server that computes another one refuses the login
   * ({@link dev.tlskit.sasl.ChannelBindingException}).
   */
  public SmtpClient channelBinding(ChannelBinding type) {
    this.binding = type;
    return this;
  }

  /** Returns what TLS negotiated, or empty over plaintext. */
  public Optional<SecurityInfo> securityInfo() {
    return Optional.ofNullable(conn.securityInfo());
  }

  /**
   * Authenticates with the strongest password mechanism the server offers over the current link:
   * SCRAM-SHA-256-PLUS (over TLS), SCRAM-SHA-256, PLAIN, LOGIN, CRAM-MD5 (see {@link SaslMechanism}).
   *
   * @throws dev.tlskit.TlsSecurityException when the link is not encrypted (see the class docs), or a SCRAM server
   *     fails to prove it knows the password ({@code SERVER_PROOF_REJECTED})
   * @throws MechanismNotOfferedException before any credential is sent, when the server offers none of them
   * @throws ProtocolException when the server refuses the credentials ({@link
   *     dev.tlskit.sasl.ChannelBindingException} when the login carried a channel binding)
   */
  public void login(String user, char[] password) throws IOException {
    authenticate(SaslSession.choose(null, false, authMechanisms(), user, password, conn, mode, "AUTH", binding));
  }

  /**
   * Authenticates with {@code mechanism}; {@code secret} is the password, or the OAuth 2.0 token when {@link
   * SaslMechanism#usesToken}.
   *
   * @throws MechanismNotOfferedException before any credential is sent, when the server does not offer it
   */
  public void login(SaslMechanism mechanism, String user, char[] secret) throws IOException {
    authenticate(SaslSession.choose(Objects.requireNonNull(mechanism, "mechanism"), mechanism.usesToken(),
        authMechanisms(), user, secret, conn, mode, "AUTH", binding));
  }

  /** Authenticates with an OAuth 2.0 bearer token: OAUTHBEARER (RFC 7628) if offered, else XOAUTH2. */
  public void loginWithToken(String user, char[] token) throws IOException {
    authenticate(SaslSession.choose(null, true, authMechanisms(), user, token, conn, mode, "AUTH", binding));
  }

  /** Authenticates with an OAuth 2.0 bearer token (AUTH XOAUTH2), whether or not the server announces it. */
  public void loginXoauth2(String user, char[] token) throws IOException {
    authenticate(SaslSession.start(SaslMechanism.XOAUTH2, user, token, conn, mode, "AUTH"));
  }

  /**
   * Runs one SASL exchange (RFC 4954): challenges come as 334 replies, answered one line each; a challenge the
   * mechanism cannot answer, or a SCRAM server signature that is wrong, cancels the exchange with "*" and throws.
   */
  private void authenticate(SaslSession sasl) throws IOException {
    String name = sasl.mechanism().wireName();
    SmtpReply r = cmd(0, "AUTH %s%s", name, sasl.initialResponse().map(ir -> " " + ir).orElse(""));
    while (r.code() == 334) {
      String answer;
      try {
        answer = sasl.answer(r.text());
      } catch (IOException e) {
        SaslSession.cancel(e, () -> cmd(0, "*"));
        throw e;
      }
      r = cmd(0, "%s", answer);
    }
    if (r.code() != 235) {
      throw sasl.refused("AUTH " + name + " refused by server: " + PeerText.quote(r.toString()),
          String.valueOf(r.code()), r.text());
    }
    sasl.succeeded();
  }

  private List<String> authMechanisms() {
    String v = extensions.get("AUTH");
    if (v == null) return List.of();
    return Arrays.stream(v.trim().split("\\s+")).map(s -> s.toUpperCase(Locale.ROOT)).toList();
  }

  /**
   * Sends one message to every recipient. Recipients the server refuses are reported in the result and the message
   * goes to the others; if none is accepted the transaction is reset and a {@link ProtocolException} thrown.
   * Line endings are normalised to CRLF; lines are dot-stuffed for DATA, or the message goes in counted BDAT chunks
   * when the server announces CHUNKING (RFC 3030). {@code SIZE=} is declared when the server announces SIZE.
   *
   * @throws InvalidAddressException when {@code from} or a recipient is not an RFC 5321 address (nothing is sent)
   * @throws MessageTooLargeException when the message exceeds the server's announced SIZE limit (nothing is sent)
   * @throws EightBitUnsupportedException when the message has 8-bit bytes and the server lacks 8BITMIME
   */
  public SendResult send(String from, List<String> recipients, byte[] message) throws IOException {
    return send(from, recipients, message, null);
  }

  /**
   * Sends one message as {@link #send(String, List, byte[])} does, asking for delivery status notifications as
   * {@code dsn} says when the server announces DSN ({@code dsn} may be null).
   */
  public SendResult send(String from, List<String> recipients, byte[] message, Dsn dsn) throws IOException {
    byte[] canonical = DotStuffer.canonical(message);
    boolean eightBit = false;
    for (byte b : canonical) {
      if (b < 0) {
        eightBit = true;
        break;
      }
    }
    if (eightBit && !supports("8BITMIME")) {
      throw new EightBitUnsupportedException("nothing was sent; encode it as quoted-printable or base64 (MimeMail "
          + "does)");
    }
    return transaction(from, recipients, new ByteArrayInputStream(canonical), canonical.length, eightBit, dsn);
  }

  /**
   * Sends a message read from {@code message} (an RFC 5322 message), size unknown; see {@link #send(String, List,
   * byte[])}. Declares 8BITMIME when the server announces it; if it does not and the stream turns out to hold 8-bit
   * bytes, the connection is closed without ending the data and {@link EightBitUnsupportedException} thrown.
   */
  public SendResult send(String from, List<String> recipients, InputStream message) throws IOException {
    return transaction(from, recipients, message, -1, supports("8BITMIME"), null);
  }

  /**
   * Sends a message read from {@code message} whose size in bytes is {@code size} (declared as {@code SIZE=} and
   * checked against the server's limit before anything is sent; -1 when unknown), with {@code dsn} (may be null);
   * see {@link #send(String, List, InputStream)}.
   */
  public SendResult send(String from, List<String> recipients, InputStream message, long size, Dsn dsn)
      throws IOException {
    if (size < -1) throw new IllegalArgumentException("size must be -1 (unknown) or at least 0: " + size);
    return transaction(from, recipients, message, size, supports("8BITMIME"), dsn);
  }

  /** Sends a simple text mail to its recipients. */
  public SendResult send(SimpleMail mail) throws IOException {
    return send(mail.from(), mail.recipients(), mail.toBytes());
  }

  /** Sends a MIME mail to its recipients (To, Cc and Bcc); see {@link #send(String, List, byte[])}. */
  public SendResult send(MimeMail mail) throws IOException {
    return send(mail, null);
  }

  /** Sends a MIME mail to its recipients with {@code dsn} (may be null); see {@link #send(String, List, byte[], Dsn)}. */
  public SendResult send(MimeMail mail, Dsn dsn) throws IOException {
    return send(mail.from(), mail.recipients(), mail.toBytes(), dsn);
  }

  /**
   * Returns {@code address} when it is an RFC 5321 mailbox ({@code local-part@domain}, the form MAIL FROM and RCPT
   * TO take), else throws {@link InvalidAddressException} naming {@code role} and what is wrong. {@link #send} checks
   * every address this way before sending anything; this lets a caller check first.
   */
  public static String checkAddress(String role, String address) {
    return Addresses.check(role, address);
  }

  /** Returns the server's SIZE limit in bytes (RFC 1870), or 0 when it announced none or no limit. */
  public long sizeLimit() {
    String v = extensions.get("SIZE");
    if (v == null || v.isBlank()) return 0;
    try {
      return Math.max(0, Long.parseLong(v.trim()));
    } catch (NumberFormatException e) {
      return 0; // a garbled limit is no limit we can enforce; the server still judges the message
    }
  }

  private SendResult transaction(String from, List<String> recipients, InputStream message, long size,
      boolean eightBit, Dsn dsn) throws IOException {
    if (recipients.isEmpty()) throw new IllegalArgumentException("recipients must not be empty");
    Guards.checkArgument("from", from); // the injection guard first, then the syntax
    for (String rcpt : recipients) Guards.checkArgument("recipient", rcpt);
    if (!from.isEmpty()) Addresses.check("from", from); // "" is the null reverse-path, <>
    for (String rcpt : recipients) Addresses.check("recipient", rcpt);
    long limit = sizeLimit();
    if (size >= 0 && limit > 0 && size > limit) throw new MessageTooLargeException(size, limit);
    boolean dsnOn = dsn != null && supports("DSN");
    StringBuilder params = new StringBuilder();
    if (size >= 0 && supports("SIZE")) params.append(" SIZE=").append(size);
    if (eightBit && supports("8BITMIME")) params.append(" BODY=8BITMIME");
    if (Addresses.isInternational(from) || recipients.stream().anyMatch(Addresses::isInternational)) {
      if (!supports("SMTPUTF8")) {
        throw new ProtocolException("an address is not ASCII and the server does not announce SMTPUTF8");
      }
      params.append(" SMTPUTF8");
    }
    if (dsnOn) params.append(dsn.mailParameters());
    List<RecipientResult> results = new ArrayList<>();
    if (supports("PIPELINING")) {
      // RFC 2920: MAIL and RCPT may go in one batch. This is after any TLS switch, never across it.
      write("MAIL FROM:<%s>%s", from, params);
      for (String rcpt : recipients) write("RCPT TO:<%s>%s", rcpt, dsnOn ? dsn.recipientParameters(rcpt) : "");
      conn.output().flush();
      SmtpReply mail = readReply();
      for (String rcpt : recipients) results.add(new RecipientResult(rcpt, readReply()));
      if (mail.code() != 250) throw refusal("MAIL FROM", mail);
    } else {
      cmd(250, "MAIL FROM:<%s>%s", from, params);
      for (String rcpt : recipients) {
        results.add(new RecipientResult(rcpt, cmd(0, "RCPT TO:<%s>%s", rcpt,
            dsnOn ? dsn.recipientParameters(rcpt) : "")));
      }
    }
    if (results.stream().noneMatch(RecipientResult::accepted)) {
      reset();
      RecipientResult first = results.get(0);
      throw new ProtocolException("no recipient accepted; " + first.recipient() + ": " + first.reply(),
          String.valueOf(first.reply().code()), first.reply().text(), null);
    }
    InputStream content = eightBit ? message : new SevenBitOnly(message);
    SmtpReply done;
    try {
      done = supports("CHUNKING") ? bdat(content) : data(content);
    } catch (EightBitUnsupportedException e) {
      conn.close(); // the data was never ended: the server discards what it got
      throw e;
    }
    if (done.code() != 250) throw refusal("message", done);
    return new SendResult(results, done);
  }

  private SmtpReply data(InputStream message) throws IOException {
    cmd(354, "DATA");
    DotStuffer stuffer = new DotStuffer(conn.output());
    stuffer.copy(message);
    stuffer.finish();
    conn.output().flush();
    return readReply();
  }

  /**
   * Sends the message in BDAT chunks of at most {@link #chunkSize} bytes (RFC 3030), each cut after a line end when
   * one falls in it; the last is {@code BDAT n LAST}. Each chunk's reply is awaited before the next.
   */
  private SmtpReply bdat(InputStream message) throws IOException {
    java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
    DotStuffer crlf = new DotStuffer(pending, false);
    byte[] buf = new byte[8192];
    for (int n; (n = message.read(buf)) > 0; ) {
      crlf.write(buf, n);
      while (pending.size() > chunkSize) sendChunk(pending);
    }
    crlf.finish();
    while (pending.size() > chunkSize) sendChunk(pending);
    byte[] last = pending.toByteArray();
    write("BDAT %d LAST", last.length);
    conn.output().write(last);
    conn.output().flush();
    return readReply();
  }

  /** Sends the first chunk of {@code pending} (not LAST) and leaves the rest in it (the normaliser writes there). */
  private void sendChunk(java.io.ByteArrayOutputStream pending) throws IOException {
    byte[] all = pending.toByteArray();
    int cut = chunkSize;
    for (int i = chunkSize; i >= 2; i--) {
      if (all[i - 1] == '\n' && all[i - 2] == '\r') {
        cut = i;
        break;
      }
    }
    write("BDAT %d", cut);
    conn.output().write(all, 0, cut);
    conn.output().flush();
    SmtpReply r = readReply();
    if (r.code() != 250) throw refusal("BDAT", r);
    pending.reset();
    pending.write(all, cut, all.length - cut);
  }

  /** Passes bytes through until one above 127, which ends the send (the server lacks 8BITMIME). */
  private static final class SevenBitOnly extends java.io.FilterInputStream {
    private long offset;

    SevenBitOnly(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0x80) throw found();
      if (b >= 0) offset++;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      for (int i = 0; i < n; i++) {
        if (b[off + i] < 0) {
          offset += i;
          throw found();
        }
      }
      if (n > 0) offset += n;
      return n;
    }

    private EightBitUnsupportedException found() {
      return new EightBitUnsupportedException("found at byte " + offset + " of the stream; the connection was "
          + "closed without ending the data, so the server discards it");
    }
  }

  /** Aborts the current transaction (RSET). */
  public void reset() throws IOException {
    cmd(250, "RSET");
  }

  /** Sends NOOP and returns the reply. */
  public SmtpReply noop() throws IOException {
    return cmd(250, "NOOP");
  }

  /** Says QUIT and closes the connection. */
  public void quit() throws IOException {
    try {
      cmd(221, "QUIT");
    } finally {
      conn.close();
    }
  }

  @Override
  public void close() throws IOException {
    conn.close();
  }

  /**
   * Sends one command and reads its reply. With {@code expect} &gt; 0 any other code throws a {@link
   * ProtocolException} naming only the command verb, so that arguments (credentials) never reach a message.
   */
  private SmtpReply cmd(int expect, String format, Object... args) throws IOException {
    write(format, args);
    conn.output().flush();
    SmtpReply r = readReply();
    if (expect > 0 && r.code() != expect) throw refusal(verb(format), r);
    return r;
  }

  private void write(String format, Object... args) throws IOException {
    String line = String.format(Locale.ROOT, format, args);
    Guards.checkSecret("command", line);
    OutputStream out = conn.output();
    out.write(line.getBytes(StandardCharsets.UTF_8));
    out.write('\r');
    out.write('\n');
  }

  private static String verb(String format) {
    int sp = format.indexOf(" %");
    String v = sp < 0 ? format : format.substring(0, sp);
    return v.isEmpty() || v.startsWith("%") ? "AUTH response" : v;
  }

  private static ProtocolException refusal(String what, SmtpReply r) {
    return new ProtocolException(what + " refused by server: " + PeerText.quote(r.toString()),
        String.valueOf(r.code()), r.text(), null);
  }

  /** Reads one reply; malformed, inconsistent or oversized replies throw a {@link ProtocolException}. */
  SmtpReply readReply() throws IOException {
    List<String> lines = new ArrayList<>();
    int code = -1;
    while (true) {
      String line = conn.readLine(MAX_LINE);
      // ASCII digits only: Character.isDigit and parseInt also take other scripts' digits
      if (line.length() < 3 || line.charAt(0) < '2' || line.charAt(0) > '5' || line.charAt(1) < '0'
          || line.charAt(1) > '9' || line.charAt(2) < '0' || line.charAt(2) > '9'
          || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
        throw new ProtocolException("malformed SMTP reply line: " + PeerText.quote(line));
      }
      int c = Integer.parseInt(line.substring(0, 3));
      if (code >= 0 && c != code) {
        throw new ProtocolException("SMTP reply changed code from " + code + " to " + c + " mid-reply: "
            + PeerText.quote(line));
      }
      code = c;
      lines.add(line.length() > 4 ? line.substring(4) : "");
      if (lines.size() > MAX_REPLY_LINES) {
        throw new ProtocolException("SMTP reply longer than " + MAX_REPLY_LINES + " lines");
      }
      if (line.length() == 3 || line.charAt(3) == ' ') return new SmtpReply(code, lines);
    }
  }
}
