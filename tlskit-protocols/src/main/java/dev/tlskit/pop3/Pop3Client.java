package dev.tlskit.pop3;

import dev.tlskit.ProtocolException;
import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.internal.mail.EncodedWords;
import dev.tlskit.internal.starttls.Guards;
import dev.tlskit.internal.starttls.AutoTls;
import dev.tlskit.internal.starttls.Starttls;
import dev.tlskit.internal.starttls.StarttlsProtocol;
import dev.tlskit.internal.mail.SaslSession;
import dev.tlskit.sasl.ChannelBinding;
import dev.tlskit.sasl.MechanismNotOfferedException;
import dev.tlskit.sasl.SaslMechanism;
import dev.tlskit.internal.io.PeerText;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A POP3 client (RFC 1939, 2449, 5034) that secures itself: implicit TLS, or a required STLS (RFC 2595) done right
 * after the greeting, after which the capabilities learned in plaintext are forgotten and asked again with CAPA.
 *
 * <p>Credentials are refused over plaintext unless {@link TlsMode#NONE} was chosen and the server is on loopback;
 * APOP, whose MD5 digest an eavesdropper can attack offline, is refused on any plaintext link. Not thread-safe.
 */
public final class Pop3Client implements Closeable {
  /** The implicit-TLS port (RFC 8314). */
  public static final int POP3S_PORT = 995;
  /** The port for plaintext with STLS. */
  public static final int POP3_PORT = 110;

  static final int MAX_LINE = 64 * 1024;
  /** The largest message {@link #retr(int)} returns in memory (64 MiB); use {@link #retr(int, OutputStream)} beyond. */
  public static final long MAX_MESSAGE = 64L * 1024 * 1024;
  private static final Pattern TIMESTAMP = Pattern.compile("<[^<>@\\s]+@[^<>\\s]+>");

  private final TlsConnection conn;
  private final TlsMode mode;
  private ChannelBinding binding;
  private final TlsMode.Decision decision;
  private Pop3Reply greeting;
  private Set<String> capabilities;
  /** Whether the server answered CAPA (RFC 2449); one that does not is an RFC 1939 server: USER/PASS or APOP. */
  private boolean capaAnswered;

  private Pop3Client(AutoTls.Opened opened) {
    this.conn = opened.connection();
    this.decision = opened.decision();
    this.mode = decision.mode();
  }

  /**
   * Connects with {@code mode} (see {@link TlsMode#AUTO}: implicit on 995, STLS on 110, looks on other ports),
   * verifying the server as {@code host}.
   */
  public static Pop3Client connect(TlsClient client, String host, int port, TlsMode mode) throws IOException {
    return connect(client, host, port, host, mode);
  }

  /**
   * Connects, reads the greeting and secures the session as {@code mode} demands, verifying the certificate against
   * {@code peerName}; then asks for the capabilities.
   *
   * @throws TlsSecurityException when STLS is required but absent or refused, plaintext was injected at the switch,
   *     or the handshake failed
   * @throws dev.tlskit.AutoTlsException when {@link TlsMode#AUTO} looked and found neither a greeting nor TLS
   */
  public static Pop3Client connect(TlsClient client, String host, int port, String peerName, TlsMode mode)
      throws IOException {
    Pop3Client pop = new Pop3Client(AutoTls.open(client, host, port, peerName, mode, StarttlsProtocol.POP3));
    TlsConnection conn = pop.conn;
    TlsMode resolved = pop.mode;
    try {
      pop.greeting = parseReply(conn.readLine(MAX_LINE));
      if (!pop.greeting.ok()) throw refusal("greeting", pop.greeting);
      pop.capa();
      if (Starttls.upgradeWanted(conn, StarttlsProtocol.POP3, resolved, pop.capabilities.contains("STLS"))) {
        Starttls.upgrade(conn, StarttlsProtocol.POP3, resolved, () -> {
          Pop3Reply r = pop.cmd(false, "STLS");
          return new Starttls.Answer(r.ok() ? "+OK" : "-ERR", r.toString());
        });
        pop.capa(); // forget what plaintext said
      }
      return pop;
    } catch (IOException | RuntimeException e) {
      Starttls.closeQuietly(conn);
      throw e;
    }
  }

  private void capa() throws IOException {
    capabilities = null;
    Pop3Reply r = cmd(false, "CAPA");
    capaAnswered = r.ok();
    Set<String> caps = new LinkedHashSet<>();
    if (r.ok()) {
      for (String line : readLines(MAX_MESSAGE).toString(StandardCharsets.UTF_8).split("\r\n")) {
        if (!line.isBlank()) caps.add(line.strip().toUpperCase(Locale.ROOT));
      }
    }
    capabilities = java.util.Collections.unmodifiableSet(caps);
  }

  /** Returns the TLS mode this connection used ({@link TlsMode#AUTO} resolved) and what settled it. */
  public TlsMode.Decision tlsModeDecision() {
    return decision;
  }

  /** Returns the greeting. */
  public Pop3Reply greeting() {
    return greeting;
  }

  /** Returns the CAPA lines (upper case) announced over the current link; empty when CAPA is not supported. */
  public Set<String> capabilities() {
    return capabilities;
  }

  /**
   * Sets the channel binding a SCRAM-SHA-256-PLUS login carries; returns this client. Default (null): {@link
   * ChannelBinding}'s, tls-exporter on TLS 1.3 when the runtime can export keying material, else
   * tls-server-end-point. SCRAM does not negotiate the type: a server that computes another one refuses the login
   * ({@link dev.tlskit.sasl.ChannelBindingException}).
   */
  public Pop3Client channelBinding(ChannelBinding type) {
    this.binding = type;
    return this;
  }

  /** Returns what TLS negotiated, or empty over plaintext. */
  public Optional<SecurityInfo> securityInfo() {
    return Optional.ofNullable(conn.securityInfo());
  }

  /**
   * Logs in with what the server offers over the current link (after STLS, the CAPA list asked again over TLS; what
   * it said in plaintext is forgotten): the strongest SASL password mechanism its {@code SASL} line lists
   * (SCRAM-SHA-256-PLUS over TLS, SCRAM-SHA-256, PLAIN, LOGIN; see {@link SaslMechanism}), else USER and PASS when
   * it lists {@code USER}, else CRAM-MD5. A server that does not answer CAPA (RFC 1939 only) gets USER and PASS.
   *
   * @throws TlsSecurityException when the link is not encrypted (see the class docs), or a SCRAM server fails to
   *     prove it knows the password ({@code SERVER_PROOF_REJECTED})
   * @throws MechanismNotOfferedException before any credential is sent, when CAPA lists none of them
   */
  public void login(String user, char[] password) throws IOException {
    Guards.requireCredentialsAllowed(conn, mode, "USER/PASS");
    List<String> mechs = saslMechanisms();
    Optional<SaslMechanism> best = SaslSession.strongest(mechs, false, conn);
    boolean userPass = !capaAnswered || capabilities.contains("USER");
    if (best.isPresent() && (best.get() != SaslMechanism.CRAM_MD5 || !userPass)) {
      authenticate(SaslSession.start(best.get(), mechs, user, password, conn, mode, "AUTH", binding));
      return;
    }
    if (!userPass) {
      throw new MechanismNotOfferedException(conn.peerName(), "USER or a SASL password mechanism", capaList());
    }
    cmd(true, "USER %s", Guards.checkArgument("user", user));
    cmd(true, "PASS %s", Guards.checkSecret("password", new String(password)));
  }

  /**
   * Logs in with AUTH {@code mechanism} (RFC 5034); {@code secret} is the password, or the OAuth 2.0 token when
   * {@link SaslMechanism#usesToken} (XOAUTH2 is how Microsoft 365 takes POP3 logins).
   *
   * @throws MechanismNotOfferedException before any credential is sent, when the server answers CAPA without listing
   *     the mechanism; a server without CAPA is tried
   */
  public void login(SaslMechanism mechanism, String user, char[] secret) throws IOException {
    Objects.requireNonNull(mechanism, "mechanism");
    authenticate(capaAnswered
        ? SaslSession.choose(mechanism, mechanism.usesToken(), saslMechanisms(), user, secret, conn, mode, "AUTH",
            binding)
        : SaslSession.start(mechanism, List.of(), user, secret, conn, mode, "AUTH", binding));
  }

  /** Logs in with an OAuth 2.0 bearer token: AUTH OAUTHBEARER (RFC 7628) if CAPA lists it, else XOAUTH2. */
  public void loginWithToken(String user, char[] token) throws IOException {
    authenticate(SaslSession.choose(null, true, saslMechanisms(), user, token, conn, mode, "AUTH", binding));
  }

  /**
   * Logs in with AUTH PLAIN (RFC 5034), sending the initial response with the command.
   *
   * @throws ProtocolException before any credential is sent, when the server answers CAPA without {@code SASL PLAIN}
   */
  public void authPlain(String user, char[] password) throws IOException {
    login(SaslMechanism.PLAIN, user, password);
  }

  /** Returns the mechanisms CAPA's {@code SASL} line lists. */
  private List<String> saslMechanisms() {
    return capabilities.stream().filter(c -> c.startsWith("SASL ")).flatMap(c -> Arrays.stream(c.split(" +")).skip(1))
        .toList();
  }

  private List<String> capaList() {
    return List.copyOf(capabilities);
  }

  /**
   * Runs one AUTH exchange (RFC 5034): the initial response goes with the command when the line stays within the
   * 255 octets section 4 allows (an OAuth token seldom does), else after the server's first "+" challenge. A
   * challenge the mechanism cannot answer, or a SCRAM server signature that is wrong, cancels with "*" and throws.
   */
  private void authenticate(SaslSession sasl) throws IOException {
    String name = sasl.mechanism().wireName();
    Optional<String> ir = sasl.initialResponse();
    boolean inline = ir.isPresent() && "AUTH ".length() + name.length() + 1 + ir.get().length() + 2 <= 255;
    boolean sent = inline || ir.isEmpty();
    String line = send("AUTH %s%s", name, inline ? " " + (ir.get().isEmpty() ? "=" : ir.get()) : "");
    while (line.equals("+") || line.startsWith("+ ")) {
      String answer;
      if (!sent) {
        sent = true;
        answer = ir.get();
      } else {
        try {
          answer = sasl.answer(line.substring(1));
        } catch (IOException e) {
          SaslSession.cancel(e, () -> send("*"));
          throw e;
        }
      }
      line = send("%s", answer);
    }
    Pop3Reply r = parseReply(line);
    if (!r.ok()) {
      throw sasl.refused("AUTH " + name + " refused by server: " + PeerText.quote(r.toString()), r.code(), r.text());
    }
    sasl.succeeded();
  }

  /**
   * Logs in with APOP, which needs the timestamp of the greeting. Refused unless the link is TLS: the MD5 digest
   * of a guessable password is open to an offline attack by anyone who saw it.
   */
  public void apop(String user, char[] password) throws IOException {
    if (!conn.isTls()) {
      throw new TlsSecurityException(TlsSecurityException.Reason.PLAINTEXT_CREDENTIALS_REFUSED,
          "APOP refused: it is only used over TLS, and the connection to " + conn.peerName() + " is plaintext");
    }
    Matcher m = TIMESTAMP.matcher(greeting.text());
    if (!m.find()) throw new ProtocolException("server greeting has no APOP timestamp");
    MessageDigest md5;
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no MD5", e);
    }
    md5.update(m.group().getBytes(StandardCharsets.US_ASCII));
    md5.update(new String(password).getBytes(StandardCharsets.UTF_8));
    cmd(true, "APOP %s %s", Guards.checkArgument("user", user), HexFormat.of().formatHex(md5.digest()));
  }

  /** Returns the number of messages and their total size. */
  public Pop3Stat stat() throws IOException {
    String[] f = cmd(true, "STAT").text().split(" ");
    if (f.length < 2) throw new ProtocolException("malformed STAT reply: " + PeerText.quote(String.join(" ", f)));
    return new Pop3Stat(parseInt(f[0]), parseLong(f[1]));
  }

  /** Lists every message with its size. */
  public List<Pop3Listing> list() throws IOException {
    cmd(true, "LIST");
    List<Pop3Listing> out = new ArrayList<>();
    for (String[] f : fields(2)) out.add(new Pop3Listing(parseInt(f[0]), parseLong(f[1])));
    return out;
  }

  /** Returns the unique id of every message, by message number. */
  public Map<Integer, String> uidl() throws IOException {
    cmd(true, "UIDL");
    Map<Integer, String> out = new LinkedHashMap<>();
    for (String[] f : fields(2)) out.put(parseInt(f[0]), f[1]);
    return out;
  }

  /** Returns a whole message, at most {@link #MAX_MESSAGE} bytes, dot-unstuffed with CRLF line ends. */
  public byte[] retr(int message) throws IOException {
    cmd(true, "RETR %s", number(message));
    return readLines(MAX_MESSAGE).toByteArray();
  }

  /** Copies a whole message to {@code out}, dot-unstuffed, with bounded memory whatever its size. */
  public void retr(int message, OutputStream out) throws IOException {
    cmd(true, "RETR %s", number(message));
    copyLines(out, Long.MAX_VALUE);
  }

  /** Returns the header and the first {@code lines} body lines of a message (TOP). */
  public byte[] top(int message, int lines) throws IOException {
    if (lines < 0) throw new IllegalArgumentException("lines must be >= 0: " + lines);
    cmd(true, "TOP %s %s", number(message), Integer.toString(lines));
    return readLines(MAX_MESSAGE).toByteArray();
  }

  /** Returns the header fields of a message (TOP n 0), names lower case, values decoded (RFC 2047). */
  public Map<String, String> headers(int message) throws IOException {
    return EncodedWords.headers(top(message, 0));
  }

  /** Marks a message for deletion at QUIT. */
  public void dele(int message) throws IOException {
    cmd(true, "DELE %s", number(message));
  }

  /** Unmarks every message marked for deletion. */
  public void rset() throws IOException {
    cmd(true, "RSET");
  }

  /** Sends NOOP. */
  public void noop() throws IOException {
    cmd(true, "NOOP");
  }

  /** Says QUIT (which commits deletions) and closes the connection. */
  public void quit() throws IOException {
    try {
      cmd(true, "QUIT");
    } finally {
      conn.close();
    }
  }

  @Override
  public void close() throws IOException {
    conn.close();
  }

  /**
   * Sends one command and reads its status line; with {@code requireOk} an {@code -ERR} throws a {@link
   * ProtocolException} naming only the command verb, so that arguments (passwords) never reach a message.
   */
  private Pop3Reply cmd(boolean requireOk, String format, String... args) throws IOException {
    Pop3Reply r = parseReply(send(format, args));
    if (requireOk && !r.ok()) throw refusal(format.split(" ")[0], r);
    return r;
  }

  /** Sends one command line and returns the first line of the answer, unparsed. */
  private String send(String format, String... args) throws IOException {
    String line = String.format(Locale.ROOT, format, (Object[]) args);
    Guards.checkSecret("command", line);
    OutputStream out = conn.output();
    out.write(line.getBytes(StandardCharsets.UTF_8));
    out.write('\r');
    out.write('\n');
    out.flush();
    return conn.readLine(MAX_LINE);
  }

  private static Pop3Reply parseReply(String line) throws ProtocolException {
    if (line.equals("+OK") || line.startsWith("+OK ")) return new Pop3Reply(true, line.substring(3).strip());
    if (line.equals("-ERR") || line.startsWith("-ERR ")) return new Pop3Reply(false, line.substring(4).strip());
    throw new ProtocolException("malformed POP3 reply: " + PeerText.quote(line));
  }

  private ByteArrayOutputStream readLines(long max) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    copyLines(buf, max);
    return buf;
  }

  /** Copies a multi-line response up to its lone dot, removing dot-stuffing; more than {@code max} bytes throws. */
  private void copyLines(OutputStream out, long max) throws IOException {
    long total = 0;
    while (true) {
      String line = conn.readLine(MAX_LINE);
      if (line.equals(".")) return;
      if (line.startsWith(".")) line = line.substring(1);
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      total += b.length + 2;
      if (total > max) throw new ProtocolException("POP3 response larger than " + max + " bytes");
      out.write(b);
      out.write('\r');
      out.write('\n');
    }
  }

  private List<String[]> fields(int min) throws IOException {
    List<String[]> out = new ArrayList<>();
    for (String line : readLines(MAX_MESSAGE).toString(StandardCharsets.UTF_8).split("\r\n")) {
      if (line.isEmpty()) continue;
      String[] f = line.strip().split("\\s+");
      if (f.length < min) throw new ProtocolException("malformed POP3 listing line: " + PeerText.quote(line));
      out.add(f);
    }
    return out;
  }

  private static String number(int message) {
    if (message < 1) throw new IllegalArgumentException("message numbers start at 1: " + message);
    return Integer.toString(message);
  }

  private static int parseInt(String s) throws ProtocolException {
    long v = parseLong(s);
    if (v > Integer.MAX_VALUE) throw new ProtocolException("number too large in POP3 reply: " + v);
    return (int) v;
  }

  private static long parseLong(String s) throws ProtocolException {
    try {
      // ASCII digits only: Long.parseLong also takes other scripts' digits (and a sign)
      if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) throw new NumberFormatException();
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new ProtocolException("malformed number in POP3 reply: " + PeerText.quote(s));
    }
  }

  private static ProtocolException refusal(String what, Pop3Reply r) {
    return new ProtocolException(what + " refused by server: " + PeerText.quote(r.toString()), r.code(), r.text(),
        null);
  }
}
