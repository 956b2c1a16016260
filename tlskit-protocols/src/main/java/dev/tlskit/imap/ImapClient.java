package dev.tlskit.imap;

import dev.tlskit.ProtocolException;
import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.internal.mail.EncodedWords;
import dev.tlskit.internal.mail.TransferDecoding;
import dev.tlskit.internal.starttls.Guards;
import dev.tlskit.internal.starttls.ImapTags;
import dev.tlskit.internal.starttls.AutoTls;
import dev.tlskit.internal.starttls.Starttls;
import dev.tlskit.internal.starttls.StarttlsProtocol;
import dev.tlskit.internal.mail.SaslSession;
import dev.tlskit.sasl.ChannelBinding;
import dev.tlskit.sasl.MechanismNotOfferedException;
import dev.tlskit.sasl.SaslMechanism;
import dev.tlskit.internal.io.PeerText;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * An IMAP4rev1/IMAP4rev2 client (RFC 3501, 9051) that secures itself: implicit TLS, or a required STARTTLS done
 * right after the greeting, after which every capability learned in plaintext is forgotten and asked again.
 *
 * <p>A {@code PREAUTH} greeting over plaintext when STARTTLS is required aborts (the server would skip the only
 * state in which STARTTLS is allowed). Tags are random per command, so injected tagged responses cannot be
 * prepared in advance. {@code [ALERT]} text is collected in {@link #alerts()} and logged as server text; referrals
 * are never followed. Credentials are refused over plaintext unless {@link TlsMode#NONE} was chosen and the server
 * is on loopback. Not thread-safe.
 */
public final class ImapClient implements Closeable {
  /** The implicit-TLS port (RFC 8314). */
  public static final int IMAPS_PORT = 993;
  /** The port for plaintext with STARTTLS. */
  public static final int IMAP_PORT = 143;

  private static final System.Logger LOG = System.getLogger(ImapClient.class.getName());
  private static final Pattern SEQUENCE_SET = Pattern.compile("[0-9*:,]+");
  private static final Pattern SECTION = Pattern.compile(
      "(?i)([1-9][0-9]{0,8}(\\.[1-9][0-9]{0,8})*(\\.(HEADER|TEXT|MIME))?|HEADER|TEXT|)");
  private static final Pattern FLAG = Pattern.compile("\\\\?[A-Za-z0-9$_.\\-]+");

  private final TlsConnection conn;
  private final TlsMode mode;
  private ChannelBinding binding;
  private final TlsMode.Decision decision;
  private final ImapParser parser;
  private final List<String> alerts = new ArrayList<>();
  private Set<String> capabilities;
  private ImapResponse greeting;
  private boolean authenticated;
  private ImapResponse bye;
  private final BySequence bySequence = new BySequence();

  private ImapClient(AutoTls.Opened opened, ImapLimits limits) {
    TlsConnection conn = opened.connection();
    this.conn = conn;
    this.decision = opened.decision();
    this.mode = decision.mode();
    this.parser = new ImapParser(new ImapParser.Source() {
      @Override
      public String readLine(int maxLength) throws IOException {
        return conn.readLine(maxLength);
      }

      @Override
      public InputStream input() {
        return conn.input();
      }
    }, limits);
  }

  /**
   * Connects with {@code mode} (see {@link TlsMode#AUTO}: implicit on 993, STARTTLS on 143, looks on other ports),
   * verifying the server as {@code host}.
   */
  public static ImapClient connect(TlsClient client, String host, int port, TlsMode mode) throws IOException {
    return connect(client, host, port, host, mode, ImapLimits.DEFAULTS);
  }

  /**
   * Connects, reads the greeting and secures the session as {@code mode} demands, verifying the certificate against
   * {@code peerName}; then fetches the capabilities.
   *
   * @throws TlsSecurityException when STARTTLS is required but absent or refused, the greeting is PREAUTH while
   *     STARTTLS is required, plaintext was injected at the switch, or the handshake failed
   * @throws dev.tlskit.AutoTlsException when {@link TlsMode#AUTO} looked and found neither a greeting nor TLS
   */
  public static ImapClient connect(
      TlsClient client, String host, int port, String peerName, TlsMode mode, ImapLimits limits) throws IOException {
    ImapClient imap = new ImapClient(AutoTls.open(client, host, port, peerName, mode, StarttlsProtocol.IMAP), limits);
    TlsConnection conn = imap.conn;
    try {
      imap.start();
      return imap;
    } catch (IOException | RuntimeException e) {
      Starttls.closeQuietly(conn);
      throw e;
    }
  }

  private void start() throws IOException {
    greeting = parser.read();
    if (greeting.tagged() || greeting.continuation()) {
      throw new ProtocolException("IMAP greeting expected, got " + PeerText.quote(greeting.toString()));
    }
    observe(greeting);
    switch (greeting.type()) {
      case "OK" -> authenticated = false;
      case "PREAUTH" -> authenticated = true;
      case "BYE" -> throw new ProtocolException("server refused the connection: "
          + PeerText.quote(greeting.toString()), "BYE", greeting.text(), null);
      default -> throw new ProtocolException("IMAP greeting expected, got " + PeerText.quote(greeting.toString()));
    }
    if (authenticated && !conn.isTls() && mode == TlsMode.STARTTLS) {
      throw new TlsSecurityException(TlsSecurityException.Reason.PREAUTH_REFUSED,
          conn.peerName() + " sent PREAUTH over plaintext, skipping the STARTTLS that TLS mode STARTTLS requires;"
              + " server said: " + PeerText.quote(greeting.toString()));
    }
    if (!authenticated && !conn.isTls() && mode != TlsMode.NONE) {
      if (capabilities == null) capability();
      if (Starttls.upgradeWanted(conn, StarttlsProtocol.IMAP, mode, capabilities.contains("STARTTLS"))) {
        Starttls.upgrade(conn, StarttlsProtocol.IMAP, mode, () -> {
          ImapResponse done = exchange("STARTTLS").tagged();
          return new Starttls.Answer(done.type(), done.toString());
        });
        capabilities = null; // learned in plaintext, or sent with the STARTTLS answer: possibly the attacker's
      }
    }
    if (capabilities == null) capability();
  }

  /** Returns the TLS mode this connection used ({@link TlsMode#AUTO} resolved) and what settled it. */
  public TlsMode.Decision tlsModeDecision() {
    return decision;
  }

  /** Returns the server's greeting. */
  public ImapResponse greeting() {
    return greeting;
  }

  /** Returns the capabilities (upper case) the server announced over the current link. */
  public Set<String> capabilities() throws IOException {
    if (capabilities == null) capability();
    return capabilities;
  }

  /** Returns true when {@code name} (for example {@code MOVE}, {@code AUTH=PLAIN}) is a capability. */
  public boolean hasCapability(String name) throws IOException {
    return capabilities().contains(name.toUpperCase(Locale.ROOT));
  }

  /** Returns the {@code [ALERT]} texts the server sent so far. They are server text: show, never act on them. */
  public List<String> alerts() {
    return Collections.unmodifiableList(alerts);
  }

  /** Returns true once logged in (or PREAUTH). */
  public boolean authenticated() {
    return authenticated;
  }

  /**
   * Sets the channel binding a SCRAM-SHA-256-PLUS login carries; returns this client. Default (null): {@link
   * ChannelBinding}'s, tls-exporter on TLS 1.3 when the runtime can export keying material, else
   * tls-server-end-point. SCRAM does not negotiate the type: a server that computes another one refuses the login
   * ({@link dev.tlskit.sasl.ChannelBindingException}).
   */
  public ImapClient channelBinding(ChannelBinding type) {
    this.binding = type;
    return this;
  }

  /** Returns what TLS negotiated, or empty over plaintext. */
  public Optional<SecurityInfo> securityInfo() {
    return Optional.ofNullable(conn.securityInfo());
  }

  private void capability() throws IOException {
    capabilities = null;
    cmd("CAPABILITY");
    if (capabilities == null) capabilities = Set.of();
  }

  /**
   * Logs in with the strongest password mechanism the server offers over the current link: AUTHENTICATE
   * SCRAM-SHA-256-PLUS (over TLS) or SCRAM-SHA-256 when announced, else the LOGIN command, else (LOGINDISABLED) the
   * strongest other AUTH= mechanism (see {@link SaslMechanism}).
   *
   * @throws TlsSecurityException when the link is not encrypted (see the class docs), or a SCRAM server fails to
   *     prove it knows the password ({@code SERVER_PROOF_REJECTED})
   * @throws MechanismNotOfferedException before any credential is sent, when LOGIN is disabled and no password
   *     mechanism is offered
   */
  public void login(String user, char[] password) throws IOException {
    Guards.requireCredentialsAllowed(conn, mode, "LOGIN");
    List<String> mechs = authMechanisms();
    if (capabilities().contains("LOGINDISABLED") || SaslSession.strongest(mechs, false, conn)
        .filter(m -> m == SaslMechanism.SCRAM_SHA_256 || m == SaslMechanism.SCRAM_SHA_256_PLUS).isPresent()) {
      authenticate(SaslSession.choose(null, false, mechs, user, password, conn, mode, "AUTHENTICATE", binding));
      return;
    }
    afterLogin(cmd("LOGIN %s %s", string("user", user), secret("password", password)).tagged());
  }

  /**
   * Logs in with AUTHENTICATE {@code mechanism}; {@code secret} is the password, or the OAuth 2.0 token when
   * {@link SaslMechanism#usesToken}.
   *
   * @throws MechanismNotOfferedException before any credential is sent, when the server does not announce it
   */
  public void login(SaslMechanism mechanism, String user, char[] secret) throws IOException {
    authenticate(SaslSession.choose(Objects.requireNonNull(mechanism, "mechanism"), mechanism.usesToken(),
        authMechanisms(), user, secret, conn, mode, "AUTHENTICATE", binding));
  }

  /** Logs in with an OAuth 2.0 bearer token: AUTHENTICATE OAUTHBEARER (RFC 7628) if announced, else XOAUTH2. */
  public void loginWithToken(String user, char[] token) throws IOException {
    authenticate(SaslSession.choose(null, true, authMechanisms(), user, token, conn, mode, "AUTHENTICATE", binding));
  }

  /** Logs in with AUTHENTICATE PLAIN (RFC 4616), whether or not the server announces it. */
  public void authenticatePlain(String user, char[] password) throws IOException {
    authenticate(SaslSession.start(SaslMechanism.PLAIN, user, password, conn, mode, "AUTHENTICATE"));
  }

  /** Logs in with AUTHENTICATE XOAUTH2 and an OAuth 2.0 bearer token, whether or not the server announces it. */
  public void authenticateXoauth2(String user, char[] token) throws IOException {
    authenticate(SaslSession.start(SaslMechanism.XOAUTH2, user, token, conn, mode, "AUTHENTICATE"));
  }

  /** Returns the SASL mechanisms announced as AUTH= capabilities. */
  private List<String> authMechanisms() throws IOException {
    return capabilities().stream().filter(c -> c.startsWith("AUTH=")).map(c -> c.substring(5)).toList();
  }

  /**
   * Runs one AUTHENTICATE exchange (RFC 3501, SASL-IR when announced). A challenge the mechanism cannot answer, or a
   * SCRAM server signature that is wrong, cancels the exchange with "*" and throws once the server has answered.
   */
  private void authenticate(SaslSession sasl) throws IOException {
    Optional<String> ir = sasl.initialResponse();
    boolean inline = ir.isPresent() && capabilities().contains("SASL-IR");
    boolean[] sent = {inline || ir.isEmpty()};
    IOException[] failed = {null};
    Continuation answer = r -> {
      if (failed[0] != null) return "*";
      if (!sent[0]) {
        sent[0] = true;
        return ir.get();
      }
      try {
        return sasl.answer(r.text());
      } catch (IOException e) {
        failed[0] = e;
        return "*";
      }
    };
    Exchange x;
    try {
      x = exchange(answer, "AUTHENTICATE %s%s", sasl.mechanism().wireName(),
          inline ? " " + (ir.get().isEmpty() ? "=" : ir.get()) : "");
    } catch (IOException e) {
      if (failed[0] == null) throw e;
      failed[0].addSuppressed(e); // the cancel failed; the reason to cancel is what matters
      throw failed[0];
    }
    if (failed[0] != null) throw failed[0];
    if (!x.tagged().type().equals("OK")) {
      ProtocolException e = failure("AUTHENTICATE", x.tagged());
      throw sasl.refused(e.getMessage(), e.replyCode(), e.replyText());
    }
    sasl.succeeded();
    afterLogin(x.tagged());
  }


  private void afterLogin(ImapResponse tagged) {
    authenticated = true;
    if (!tagged.codeName().equals("CAPABILITY")) capabilities = null; // they change on login; ask again
  }

  /** Lists mailboxes matching {@code pattern} ({@code *} all, {@code %} one level) under {@code reference}. */
  public List<ListEntry> list(String reference, String pattern) throws IOException {
    return listing("LIST", reference, pattern);
  }

  /** Lists the subscribed mailboxes matching {@code pattern} under {@code reference} (LSUB). */
  public List<ListEntry> lsub(String reference, String pattern) throws IOException {
    return listing("LSUB", reference, pattern);
  }

  private List<ListEntry> listing(String command, String reference, String pattern) throws IOException {
    List<ListEntry> out = new ArrayList<>();
    for (ImapResponse r : cmd(command + " %s %s", mailbox("reference", reference), mailbox("pattern", pattern))
        .untagged()) {
      if (!r.type().equals(command) || r.values().size() < 3) continue;
      String name = r.values().get(2).asText();
      if (name == null) continue;
      out.add(new ListEntry(MailboxNames.decode(name), r.values().get(1).asText(), texts(r.values().get(0))));
    }
    return out;
  }

  /** Creates a mailbox. */
  public void create(String mailbox) throws IOException {
    cmd("CREATE %s", mailbox("mailbox", mailbox));
  }

  /** Deletes a mailbox. */
  public void delete(String mailbox) throws IOException {
    cmd("DELETE %s", mailbox("mailbox", mailbox));
  }

  /** Renames a mailbox (renaming INBOX moves its messages into a new mailbox, RFC 9051 6.3.6). */
  public void rename(String from, String to) throws IOException {
    cmd("RENAME %s %s", mailbox("from", from), mailbox("to", to));
  }

  /** Adds a mailbox to the subscription list. */
  public void subscribe(String mailbox) throws IOException {
    cmd("SUBSCRIBE %s", mailbox("mailbox", mailbox));
  }

  /** Removes a mailbox from the subscription list. */
  public void unsubscribe(String mailbox) throws IOException {
    cmd("UNSUBSCRIBE %s", mailbox("mailbox", mailbox));
  }

  /**
   * Returns the server's namespaces (RFC 2342; the server must announce NAMESPACE or IMAP4rev2).
   *
   * @throws ProtocolException when it does not, or sends no NAMESPACE response
   */
  public Namespaces namespace() throws IOException {
    if (!hasCapability("NAMESPACE") && !hasCapability("IMAP4REV2")) {
      throw new ProtocolException("server does not announce NAMESPACE");
    }
    for (ImapResponse r : cmd("NAMESPACE").untagged()) {
      if (!r.type().equals("NAMESPACE") || r.values().size() < 3) continue;
      return new Namespaces(namespaces(r.values().get(0)), namespaces(r.values().get(1)),
          namespaces(r.values().get(2)));
    }
    throw new ProtocolException("NAMESPACE answered without a NAMESPACE response");
  }

  private static List<Namespaces.Namespace> namespaces(ImapValue v) {
    List<Namespaces.Namespace> out = new ArrayList<>();
    if (!(v instanceof ImapValue.ListValue l)) return out; // NIL: none of this kind
    for (ImapValue item : l.items()) {
      if (item instanceof ImapValue.ListValue n && n.items().size() >= 2 && n.items().get(0).asText() != null) {
        out.add(new Namespaces.Namespace(MailboxNames.decode(n.items().get(0).asText()), n.items().get(1).asText()));
      }
    }
    return out;
  }

  /**
   * Exchanges identification with the server (ID, RFC 2971): sends {@code client} (field names such as {@code name},
   * {@code version}; empty sends NIL) and returns what the server says about itself, empty when it says NIL. The
   * server must announce ID. Server text, untrusted; do not send anything private.
   *
   * @throws IllegalArgumentException beyond RFC 2971's bounds: 30 fields, names of 30 bytes, values of 1024
   */
  public Map<String, String> id(Map<String, String> client) throws IOException {
    if (!hasCapability("ID")) throw new ProtocolException("server does not announce ID");
    if (client.size() > 30) throw new IllegalArgumentException("ID allows at most 30 fields: " + client.size());
    StringBuilder fields = new StringBuilder();
    List<Object> args = new ArrayList<>();
    for (Map.Entry<String, String> e : client.entrySet()) {
      if (e.getKey().getBytes(StandardCharsets.UTF_8).length > 30) {
        throw new IllegalArgumentException("ID field names are at most 30 bytes: " + PeerText.quote(e.getKey()));
      }
      if (e.getValue() != null && e.getValue().getBytes(StandardCharsets.UTF_8).length > 1024) {
        throw new IllegalArgumentException("ID values are at most 1024 bytes: field " + PeerText.quote(e.getKey()));
      }
      fields.append(fields.isEmpty() ? "%s %s" : " %s %s");
      args.add(string("ID field", e.getKey()));
      args.add(e.getValue() == null ? "NIL" : string("ID value", e.getValue()));
    }
    String format = client.isEmpty() ? "ID NIL" : "ID (" + fields + ")";
    Map<String, String> out = new LinkedHashMap<>();
    for (ImapResponse r : cmd(format, args.toArray()).untagged()) {
      if (!r.type().equals("ID") || r.values().isEmpty()) continue;
      if (!(r.values().get(0) instanceof ImapValue.ListValue l)) continue;
      for (int i = 0; i + 1 < l.items().size(); i += 2) {
        String name = l.items().get(i).asText();
        if (name != null) out.putIfAbsent(name.toLowerCase(Locale.ROOT), l.items().get(i + 1).asText());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** Selects a mailbox read-write. */
  public MailboxInfo select(String mailbox) throws IOException {
    return open("SELECT", mailbox);
  }

  /** Selects a mailbox read-only (EXAMINE). */
  public MailboxInfo examine(String mailbox) throws IOException {
    return open("EXAMINE", mailbox);
  }

  private MailboxInfo open(String command, String name) throws IOException {
    Exchange x = cmd(command + " %s", mailbox("mailbox", name));
    long exists = -1;
    long recent = -1;
    long uidValidity = -1;
    long uidNext = -1;
    List<String> flags = List.of();
    for (ImapResponse r : x.untagged()) {
      switch (r.type()) {
        case "EXISTS" -> exists = r.number();
        case "RECENT" -> recent = r.number();
        case "FLAGS" -> flags = texts(r.values().isEmpty() ? null : r.values().get(0));
        case "OK" -> {
          if (r.codeName().equals("UIDVALIDITY")) uidValidity = codeNumber(r);
          if (r.codeName().equals("UIDNEXT")) uidNext = codeNumber(r);
        }
        default -> { }
      }
    }
    boolean readOnly = x.tagged().codeName().equals("READ-ONLY");
    return new MailboxInfo(name, exists, recent, uidValidity, uidNext, flags, readOnly);
  }

  /** Returns STATUS items (for example {@code MESSAGES}, {@code UIDNEXT}, {@code UNSEEN}) of a mailbox. */
  public Map<String, Long> status(String mailbox, String... items) throws IOException {
    for (String item : items) {
      if (!item.matches("[A-Za-z-]+")) throw new IllegalArgumentException("bad STATUS item: " + item);
    }
    Map<String, Long> out = new LinkedHashMap<>();
    for (ImapResponse r : cmd("STATUS %s (%s)", mailbox("mailbox", mailbox), String.join(" ", items)).untagged()) {
      if (!r.type().equals("STATUS") || r.values().size() < 2) continue;
      if (!(r.values().get(1) instanceof ImapValue.ListValue l)) continue;
      for (int i = 0; i + 1 < l.items().size(); i += 2) {
        if (l.items().get(i + 1) instanceof ImapValue.Num n) {
          out.put(String.valueOf(l.items().get(i).asText()).toUpperCase(Locale.ROOT), n.value());
        }
      }
    }
    return out;
  }

  /** Returns the UIDs of messages in the selected mailbox matching IMAP search {@code criteria} ("ALL", "UNSEEN"). */
  public List<Long> uidSearch(String criteria) throws IOException {
    return search(true, criteria);
  }

  private List<Long> search(boolean byUid, String criteria) throws IOException {
    List<Long> numbers = new ArrayList<>();
    for (ImapResponse r : cmd(prefix(byUid) + "SEARCH %s", Guards.checkArgument("criteria", criteria)).untagged()) {
      if (!r.type().equals("SEARCH")) continue;
      for (ImapValue v : r.values()) if (v instanceof ImapValue.Num n) numbers.add(n.value());
    }
    return numbers;
  }

  /** "UID " for the UID form of a command, "" for the sequence-number form. */
  private static String prefix(boolean byUid) {
    return byUid ? "UID " : "";
  }

  /** Whether FETCH response {@code r} is about message {@code n} (a UID or a sequence number). */
  private static boolean about(ImapResponse r, boolean byUid, long n) {
    return byUid ? uid(r) == n : r.number() == n;
  }

  /** Fetches UID, flags, size and envelope of the messages in a UID set ("1:*", "4,7"). */
  public List<ImapMessage> fetchEnvelopes(String uidSet) throws IOException {
    return fetch(true, uidSet, "UID FLAGS RFC822.SIZE ENVELOPE");
  }

  /** Fetches one whole message (RFC 5322 bytes) by UID without setting \Seen; empty when no such UID. */
  public Optional<ImapMessage> fetchMessage(long uid) throws IOException {
    return fetchMessage(true, uid);
  }

  private Optional<ImapMessage> fetchMessage(boolean byUid, long n) throws IOException {
    return fetch(byUid, positive("message", n), "UID FLAGS BODY.PEEK[]").stream()
        .filter(m -> (byUid ? m.uid() : m.sequence()) == n).findFirst();
  }

  /** Fetches the MIME tree (BODYSTRUCTURE) of one message by UID; empty when no such UID. */
  public Optional<BodyStructure> bodyStructure(long uid) throws IOException {
    return bodyStructure(true, uid);
  }

  private Optional<BodyStructure> bodyStructure(boolean byUid, long n) throws IOException {
    for (ImapResponse r : cmd(prefix(byUid) + "FETCH %s (UID BODYSTRUCTURE)", positive("message", n)).untagged()) {
      ImapValue v = fetchItem(r, "BODYSTRUCTURE");
      if (v != null && about(r, byUid, n)) return Optional.of(BodyStructure.parse(v));
    }
    return Optional.empty();
  }

  /**
   * Streams one section of a message by UID to {@code out}, as sent (transfer encoding kept), without setting
   * \Seen. {@code section} is a part number ({@code "2"}, {@code "1.2"}, see {@link BodyStructure#section()}),
   * optionally followed by {@code .HEADER}, {@code .TEXT} or {@code .MIME}; or {@code HEADER}, {@code TEXT}, or
   * {@code ""} for the whole message. The section's size is bounded by {@link ImapLimits#maxLiteralSize()}, but it
   * is never held in memory. Returns false when there is no such UID (or the server answers NIL); for a
   * section the message lacks, servers such as Dovecot send nothing, so check the part against
   * {@link #bodyStructure}. When {@code out} fails, or the data cannot be decoded, the rest of the section is read
   * and dropped, so the connection stays usable.
   */
  public boolean fetchSection(long uid, String section, OutputStream out) throws IOException {
    return streamSection(true, uid, section, null, out);
  }

  /**
   * Streams one leaf part of a message by UID to {@code out} like {@link #fetchSection}; with {@code decode}, its
   * base64 or quoted-printable transfer encoding ({@link BodyStructure#encoding()}) is undone on the way, so the
   * bytes are the attachment's own. Other encodings (7BIT, 8BIT, BINARY) are passed through as they are.
   *
   * @throws IllegalArgumentException when {@code part} is a multipart, which has no content of its own to fetch
   */
  public boolean fetchPart(long uid, BodyStructure part, boolean decode, OutputStream out) throws IOException {
    return streamSection(true, uid, part, decode, out);
  }

  private boolean streamSection(boolean byUid, long n, BodyStructure part, boolean decode, OutputStream out)
      throws IOException {
    if (part.multipart()) throw new IllegalArgumentException("a multipart has no content to fetch: " + part.section());
    return streamSection(byUid, n, part.section(), decode ? part.encoding() : null, out);
  }

  private boolean streamSection(boolean byUid, long n, String section, String encoding, OutputStream out)
      throws IOException {
    Objects.requireNonNull(out, "out");
    String spec = section(section);
    String item = "BODY[" + spec + "]";
    boolean[] streamed = {false};
    IOException[] failed = {null};
    parser.sink((name, size, data) -> {
      if (streamed[0] || !name.equalsIgnoreCase(item)) return false;
      streamed[0] = true;
      try {
        TransferDecoding.copy(data, encoding, out);
      } catch (EOFException e) {
        throw e;
      } catch (IOException e) { // bad base64, or out failed: skip the rest, so the connection stays in step
        failed[0] = e;
      }
      return true;
    });
    Exchange x;
    try {
      x = cmd(prefix(byUid) + "FETCH %s (UID BODY.PEEK[%s])", positive("message", n), spec);
    } finally {
      parser.sink(null);
    }
    if (failed[0] != null) throw failed[0];
    for (ImapResponse r : x.untagged()) {
      ImapValue v = fetchItem(r, item);
      if (v == null) continue;
      if (!about(r, byUid, n) && (!byUid || uid(r) >= 0)) { // a server may leave out the UID asked for
        if (streamed[0]) {
          throw new ProtocolException("server sent " + item + " of " + (byUid ? "UID " + uid(r) : "message "
              + r.number()) + " when " + (byUid ? "UID " : "message ") + n + " was asked");
        }
        continue;
      }
      if (streamed[0]) return true;
      if (v instanceof ImapValue.Str s) { // a quoted string rather than a literal
        TransferDecoding.copy(new ByteArrayInputStream(s.bytes()), encoding, out);
        return true;
      }
      return false; // NIL: no such section
    }
    return streamed[0];
  }

  private static String section(String section) {
    Objects.requireNonNull(section, "section");
    if (!SECTION.matcher(section).matches()) {
      throw new IllegalArgumentException("section must be a part number like 2 or 1.2 (optionally .HEADER, .TEXT,"
          + " .MIME), HEADER, TEXT or empty: " + PeerText.quote(section));
    }
    return section.toUpperCase(Locale.ROOT);
  }

  /** Returns the value of data item {@code name} in a FETCH response, or null. */
  private static ImapValue fetchItem(ImapResponse r, String name) {
    if (!r.type().equals("FETCH") || r.values().isEmpty()) return null;
    if (!(r.values().get(0) instanceof ImapValue.ListValue l)) return null;
    for (int i = 0; i + 1 < l.items().size(); i += 2) {
      if (name.equalsIgnoreCase(String.valueOf(l.items().get(i).asText()))) return l.items().get(i + 1);
    }
    return null;
  }

  private static long uid(ImapResponse r) {
    return fetchItem(r, "UID") instanceof ImapValue.Num n ? n.value() : -1;
  }

  private static String positive(String name, long n) {
    if (n < 1) throw new IllegalArgumentException(name + " must be positive: " + n);
    return Long.toString(n);
  }

  private List<ImapMessage> fetch(boolean byUid, String set, String items) throws IOException {
    List<ImapMessage> out = new ArrayList<>();
    for (ImapResponse r : cmd(prefix(byUid) + "FETCH %s (%s)", sequenceSet(byUid, set), items).untagged()) {
      if (!r.type().equals("FETCH") || r.values().isEmpty()) continue;
      if (!(r.values().get(0) instanceof ImapValue.ListValue l)) continue;
      out.add(message(r.number(), l.items()));
    }
    return out;
  }

  private static ImapMessage message(long seq, List<ImapValue> items) {
    long uid = -1;
    long size = -1;
    List<String> flags = null;
    Envelope envelope = null;
    byte[] body = null;
    for (int i = 0; i + 1 < items.size(); i += 2) {
      String name = String.valueOf(items.get(i).asText()).toUpperCase(Locale.ROOT);
      ImapValue v = items.get(i + 1);
      switch (name) {
        case "UID" -> uid = v instanceof ImapValue.Num n ? n.value() : -1;
        case "RFC822.SIZE" -> size = v instanceof ImapValue.Num n ? n.value() : -1;
        case "FLAGS" -> flags = texts(v);
        case "ENVELOPE" -> envelope = envelope(v);
        default -> {
          if (name.startsWith("BODY[]") && v instanceof ImapValue.Str s) body = s.bytes();
        }
      }
    }
    return new ImapMessage(seq, uid, flags, size, envelope, body);
  }

  private static Envelope envelope(ImapValue v) {
    if (!(v instanceof ImapValue.ListValue l) || l.items().size() < 10) return null;
    List<ImapValue> f = l.items();
    return new Envelope(f.get(0).asText(), EncodedWords.decode(f.get(1).asText()), addresses(f.get(2)),
        addresses(f.get(5)), addresses(f.get(6)), f.get(9).asText());
  }

  private static List<Envelope.Address> addresses(ImapValue v) {
    List<Envelope.Address> out = new ArrayList<>();
    if (!(v instanceof ImapValue.ListValue l)) return out;
    for (ImapValue a : l.items()) {
      if (a instanceof ImapValue.ListValue p && p.items().size() >= 4) {
        out.add(new Envelope.Address(EncodedWords.decode(p.items().get(0).asText()), p.items().get(2).asText(),
            p.items().get(3).asText()));
      }
    }
    return out;
  }

  /**
   * Changes flags of messages by UID. {@code operation} is {@code FLAGS}, {@code +FLAGS} or {@code -FLAGS},
   * optionally with {@code .SILENT}.
   */
  public void store(String uidSet, String operation, List<String> flags) throws IOException {
    store(true, uidSet, operation, flags);
  }

  private void store(boolean byUid, String set, String operation, List<String> flags) throws IOException {
    if (!operation.toUpperCase(Locale.ROOT).matches("[+-]?FLAGS(\\.SILENT)?")) {
      throw new IllegalArgumentException("operation must be FLAGS, +FLAGS or -FLAGS (.SILENT): " + operation);
    }
    cmd(prefix(byUid) + "STORE %s %s (%s)", sequenceSet(byUid, set), operation, flags(flags));
  }

  /** Copies messages by UID to another mailbox. */
  public void copy(String uidSet, String mailbox) throws IOException {
    copy(true, uidSet, mailbox);
  }

  private void copy(boolean byUid, String set, String mailbox) throws IOException {
    cmd(prefix(byUid) + "COPY %s %s", sequenceSet(byUid, set), mailbox("mailbox", mailbox));
  }

  /** Moves messages by UID to another mailbox (RFC 6851; the server must announce MOVE). */
  public void move(String uidSet, String mailbox) throws IOException {
    move(true, uidSet, mailbox);
  }

  private void move(boolean byUid, String set, String mailbox) throws IOException {
    if (!hasCapability("MOVE")) throw new ProtocolException("server does not announce MOVE");
    cmd(prefix(byUid) + "MOVE %s %s", sequenceSet(byUid, set), mailbox("mailbox", mailbox));
  }

  /** Permanently removes messages flagged \Deleted from the selected mailbox; returns the expunged sequence numbers. */
  public List<Long> expunge() throws IOException {
    return cmd("EXPUNGE").untagged().stream().filter(r -> r.type().equals("EXPUNGE")).map(ImapResponse::number)
        .toList();
  }

  /** Appends a message (RFC 5322 bytes) with flags to a mailbox. */
  public void append(String mailbox, List<String> flags, byte[] message) throws IOException {
    cmd("APPEND %s (%s) %s", mailbox("mailbox", mailbox), flags(flags), message.clone());
  }

  /**
   * Waits in IDLE (RFC 2177) for at most {@code maxWait}, or until {@code stop} accepts an untagged response, then
   * ends it with DONE. Returns the untagged responses received.
   */
  public List<ImapResponse> idle(Duration maxWait, Predicate<ImapResponse> stop) throws IOException {
    if (!hasCapability("IDLE")) throw new ProtocolException("server does not announce IDLE");
    String tag = newTag();
    writeLine(tag + " IDLE");
    List<ImapResponse> seen = new ArrayList<>();
    ImapResponse first = next();
    while (!first.continuation()) {
      if (first.tagged()) return List.of(checkTag(tag, first));
      observe(first);
      seen.add(first);
      first = next();
    }
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      // wait without consuming, so a response that straddles the deadline is read whole, with the normal timeout
      if (left <= 0 || !conn.awaitInput(Duration.ofNanos(left))) break;
      ImapResponse r = next();
      if (r.continuation()) NONE_PENDING.answer(r); // IDLE's one "+" came already
      if (r.tagged()) throw failure("IDLE", checkTag(tag, r));
      observe(r);
      seen.add(r);
      if (stop.test(r)) break;
    }
    writeLine("DONE");
    while (true) {
      ImapResponse r = next();
      if (r.continuation()) NONE_PENDING.answer(r);
      if (r.tagged()) {
        if (!checkTag(tag, r).type().equals("OK")) throw failure("IDLE", r);
        return seen;
      }
      observe(r);
      seen.add(r);
    }
  }

  /** Sends NOOP, returning untagged responses (new messages, expunges). */
  public List<ImapResponse> noop() throws IOException {
    return cmd("NOOP").untagged();
  }

  /** Says LOGOUT and closes the connection. */
  public void logout() throws IOException {
    try {
      cmd("LOGOUT");
    } finally {
      conn.close();
    }
  }

  @Override
  public void close() throws IOException {
    conn.close();
  }

  /**
   * Returns the sequence-number forms of the UID commands (SEARCH, FETCH, STORE, COPY, MOVE without {@code UID}).
   * Sequence numbers shift when messages are expunged, by this session or another; prefer UIDs.
   */
  public BySequence bySequence() {
    return bySequence;
  }

  /** The commands of {@link ImapClient} that take UIDs, taking message sequence numbers instead. */
  public final class BySequence {
    private BySequence() {}

    /** Returns the sequence numbers of messages matching {@code criteria} (SEARCH). */
    public List<Long> search(String criteria) throws IOException {
      return ImapClient.this.search(false, criteria);
    }

    /** Like {@link ImapClient#fetchEnvelopes}, for a sequence set. */
    public List<ImapMessage> fetchEnvelopes(String sequenceSet) throws IOException {
      return fetch(false, sequenceSet, "UID FLAGS RFC822.SIZE ENVELOPE");
    }

    /** Like {@link ImapClient#fetchMessage}, for sequence number {@code n}. */
    public Optional<ImapMessage> fetchMessage(long n) throws IOException {
      return ImapClient.this.fetchMessage(false, n);
    }

    /** Like {@link ImapClient#bodyStructure}, for sequence number {@code n}. */
    public Optional<BodyStructure> bodyStructure(long n) throws IOException {
      return ImapClient.this.bodyStructure(false, n);
    }

    /** Like {@link ImapClient#fetchSection}, for sequence number {@code n}. */
    public boolean fetchSection(long n, String section, OutputStream out) throws IOException {
      return streamSection(false, n, section, null, out);
    }

    /** Like {@link ImapClient#fetchPart}, for sequence number {@code n}. */
    public boolean fetchPart(long n, BodyStructure part, boolean decode, OutputStream out) throws IOException {
      return streamSection(false, n, part, decode, out);
    }

    /** Like {@link ImapClient#store}, for a sequence set. */
    public void store(String sequenceSet, String operation, List<String> flags) throws IOException {
      ImapClient.this.store(false, sequenceSet, operation, flags);
    }

    /** Like {@link ImapClient#copy}, for a sequence set. */
    public void copy(String sequenceSet, String mailbox) throws IOException {
      ImapClient.this.copy(false, sequenceSet, mailbox);
    }

    /** Like {@link ImapClient#move}, for a sequence set. */
    public void move(String sequenceSet, String mailbox) throws IOException {
      ImapClient.this.move(false, sequenceSet, mailbox);
    }
  }

  /** Commands whose state this client must track itself, so {@link #command} refuses them. */
  private static final Set<String> NOT_RAW = Set.of("STARTTLS", "LOGIN", "AUTHENTICATE", "IDLE", "COMPRESS",
      "LOGOUT", "SELECT", "EXAMINE", "UNSELECT", "CLOSE", "ENABLE");

  /**
   * Sends any other command and returns its responses, whatever the tagged status (NO and BAD are returned, not
   * thrown). {@code command} is the verb and any atoms ({@code "GETQUOTAROOT"}, {@code "UID EXPUNGE 4:7"}); each
   * argument follows it after a space: a {@code String} as an IMAP string (quoted, or a literal when not printable
   * ASCII), a {@code byte[]} as a literal. Responses are read with this connection's {@link ImapLimits}; a
   * continuation request that is not for a literal is a {@link ProtocolException}. Commands that change what this
   * client tracks (STARTTLS, LOGIN, AUTHENTICATE, IDLE, COMPRESS, LOGOUT, SELECT, EXAMINE, UNSELECT, CLOSE, ENABLE)
   * are refused: use their methods.
   *
   * @throws IllegalArgumentException for CR, LF or NUL in {@code command} or a string argument, a refused verb, or an
   *     argument of another type
   */
  public ImapCommandResult command(String command, Object... arguments) throws IOException {
    Guards.checkArgument("command", command);
    String verb = command.strip().split(" ", 2)[0].toUpperCase(Locale.ROOT);
    if (verb.isEmpty() || !verb.chars().allMatch(c -> c > 0x20 && c < 0x7f && "(){%*\"\\".indexOf(c) < 0)) {
      throw new IllegalArgumentException("command must start with an atom: " + PeerText.quote(command));
    }
    if (NOT_RAW.contains(verb)) {
      throw new IllegalArgumentException(verb + " changes state this client tracks; use its method");
    }
    StringBuilder format = new StringBuilder("%s"); // the command goes in as an argument: it may hold "%s"
    Object[] args = new Object[arguments.length + 1];
    args[0] = command;
    for (int i = 0; i < arguments.length; i++) {
      args[i + 1] = switch (arguments[i]) {
        case String str -> string("argument " + (i + 1), str);
        case byte[] literal -> literal.clone();
        case null, default -> throw new IllegalArgumentException("argument " + (i + 1)
            + " must be a String or byte[]: " + arguments[i]);
      };
      format.append(" %s");
    }
    Exchange x = exchange(NONE_PENDING, format.toString(), args);
    return new ImapCommandResult(x.tagged(), x.untagged());
  }

  // ---- command machinery -------------------------------------------------------------------------------------

  /** One command's tagged completion and the untagged responses that came before it. */
  private record Exchange(ImapResponse tagged, List<ImapResponse> untagged) {}

  /** Answers a continuation request ("+ ...") that is not for a literal: with the next line to send. */
  @FunctionalInterface
  private interface Continuation {
    String answer(ImapResponse request) throws IOException;
  }

  /**
   * For every command but AUTHENTICATE: nothing is pending, so a continuation request breaks the protocol. Failing
   * at once matters: answering it would leave both sides waiting (a server that answers STARTTLS with "+").
   */
  private static final Continuation NONE_PENDING = r -> {
    throw new ProtocolException("continuation request when no literal or authentication exchange is pending: "
        + PeerText.quote(r.toString()));
  };

  /** Runs one command and throws a {@link ProtocolException} unless it completes with OK. */
  private Exchange cmd(String format, Object... args) throws IOException {
    return check(verb(format), exchange(NONE_PENDING, format, args));
  }

  private Exchange exchange(String format, Object... args) throws IOException {
    return exchange(NONE_PENDING, format, args);
  }

  private Exchange check(String verb, Exchange x) throws ProtocolException {
    if (!x.tagged().type().equals("OK")) throw failure(verb, x.tagged());
    return x;
  }

  /**
   * Sends one command and reads up to its tagged completion. {@code String} arguments are inserted as they are
   * (callers quote them), {@code byte[]} arguments become synchronizing literals. A continuation request that is not
   * for a literal is answered with the line {@code onContinuation} returns (or what it throws).
   */
  private Exchange exchange(Continuation onContinuation, String format, Object... args) throws IOException {
    String tag = newTag();
    List<ImapResponse> untagged = new ArrayList<>();
    String[] pieces = format.split("%s", -1);
    if (pieces.length != args.length + 1) throw new IllegalStateException("format/arguments mismatch: " + format);
    OutputStream out = conn.output();
    StringBuilder text = new StringBuilder(tag).append(' ').append(pieces[0]);
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof byte[] literal) {
        text.append('{').append(literal.length).append('}');
        writeLine(text.toString());
        text.setLength(0);
        while (true) { // wait for "+ go ahead"; a tagged answer means the command was refused
          ImapResponse r = next();
          if (r.continuation()) break;
          if (r.tagged()) return new Exchange(checkTag(tag, r), untagged);
          observe(r);
          untagged.add(r);
        }
        out.write(literal);
      } else {
        text.append((String) args[i]);
      }
      text.append(pieces[i + 1]);
    }
    writeLine(text.toString());
    while (true) {
      ImapResponse r = next();
      if (r.continuation()) {
        writeLine(onContinuation.answer(r));
        continue;
      }
      observe(r);
      if (r.tagged()) return new Exchange(checkTag(tag, r), untagged);
      untagged.add(r);
    }
  }

  /** Reads the next response; a close right after an untagged BYE is reported with the server's reason. */
  private ImapResponse next() throws IOException {
    try {
      return parser.read();
    } catch (EOFException e) {
      if (bye == null) throw e;
      throw new ProtocolException("server closed the connection: " + PeerText.quote(bye.toString()), "BYE",
          bye.text(), e);
    }
  }

  private ImapResponse checkTag(String tag, ImapResponse r) throws ProtocolException {
    if (!r.tag().equals(tag)) {
      throw new ProtocolException("IMAP response for a tag never sent (expected " + tag + "): "
          + PeerText.quote(r.toString()));
    }
    return r;
  }

  /** Learns from any response: ALERT text (kept as server text), capabilities. Referrals are ignored. */
  private void observe(ImapResponse r) {
    if (!r.tagged() && r.type().equals("BYE")) bye = r;
    if (r.codeName().equals("ALERT")) {
      alerts.add(r.text());
      LOG.log(System.Logger.Level.WARNING, "IMAP server " + conn.peerName() + " says: " + PeerText.quote(r.text()));
    }
    if (r.codeName().equals("CAPABILITY")) {
      capabilities = capabilitySet(List.of(r.code().split(" ")).subList(1, r.code().split(" ").length));
    } else if (r.type().equals("CAPABILITY") && !r.tagged()) {
      capabilities = capabilitySet(r.values().stream().map(ImapValue::asText).toList());
    }
  }

  private static Set<String> capabilitySet(List<String> words) {
    Set<String> caps = new LinkedHashSet<>();
    for (String w : words) if (w != null && !w.isEmpty()) caps.add(w.toUpperCase(Locale.ROOT));
    return Collections.unmodifiableSet(caps);
  }

  private void writeLine(String line) throws IOException {
    Guards.checkSecret("command", line);
    OutputStream out = conn.output();
    out.write(line.getBytes(StandardCharsets.UTF_8));
    out.write('\r');
    out.write('\n');
    out.flush();
  }

  private String newTag() {
    return ImapTags.next();
  }

  private ProtocolException failure(String verb, ImapResponse r) {
    return new ProtocolException(verb + " failed: server said " + PeerText.quote(r.toString()), r.type(),
        r.text(), null);
  }

  private static String verb(String format) {
    int p = format.indexOf(" %");
    return p < 0 ? format : format.substring(0, p);
  }

  /** Encodes a string argument: quoted when printable ASCII, else a literal of its UTF-8 bytes. */
  private static Object string(String name, String value) {
    return encodeString(Guards.checkArgument(name, value));
  }

  /** Encodes a secret like {@link #string}, without repeating it in errors. */
  private static Object secret(String name, char[] value) {
    return encodeString(Guards.checkSecret(name, new String(value)));
  }

  private static Object encodeString(String v) {
    if (v.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
    return v.getBytes(StandardCharsets.UTF_8);
  }

  private static Object mailbox(String name, String value) {
    return string(name, MailboxNames.encode(Guards.checkArgument(name, value)));
  }

  private static String sequenceSet(boolean byUid, String value) {
    if (!SEQUENCE_SET.matcher(value).matches()) {
      throw new IllegalArgumentException((byUid ? "uidSet must be a UID set" : "sequence set must be a set")
          + " like 1:* or 4,7: " + PeerText.quote(value));
    }
    return value;
  }

  private static String flags(List<String> flags) {
    for (String f : flags) {
      if (!FLAG.matcher(f).matches()) throw new IllegalArgumentException("bad flag: " + PeerText.quote(f));
    }
    return String.join(" ", flags);
  }

  private static List<String> texts(ImapValue v) {
    List<String> out = new ArrayList<>();
    if (v instanceof ImapValue.ListValue l) {
      for (ImapValue i : l.items()) if (i.asText() != null) out.add(i.asText()); // a NIL is no flag
    }
    return out;
  }

  private static long codeNumber(ImapResponse r) {
    String[] parts = r.code().split(" ");
    try {
      return parts.length > 1 ? Long.parseLong(parts[1]) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
