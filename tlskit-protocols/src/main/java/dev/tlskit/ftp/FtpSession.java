package dev.tlskit.ftp;

import dev.tlskit.ProtocolException;
import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.internal.ftp.AsciiStreams;
import dev.tlskit.internal.ftp.BcDataTls;
import dev.tlskit.internal.ftp.DataAddresses;
import dev.tlskit.internal.ftp.DataTls;
import dev.tlskit.internal.ftp.JdkDataTls;
import dev.tlskit.internal.ftp.ListParser;
import dev.tlskit.internal.ftp.MlsxParser;
import dev.tlskit.internal.ftp.ProtectedData;
import dev.tlskit.internal.ftp.ReplyReader;
import dev.tlskit.internal.ftp.Resumption;
import dev.tlskit.internal.ftp.SocketData;
import dev.tlskit.internal.bc.BcJsse;
import dev.tlskit.internal.io.PeerText;
import dev.tlskit.internal.net.Dialer;
import dev.tlskit.internal.io.KeyExchangeSniffer;
import dev.tlskit.internal.net.TransportSocket;
import dev.tlskit.internal.tls.SecurityInfos;
import dev.tlskit.internal.starttls.AutoTls;
import dev.tlskit.internal.starttls.Guards;
import dev.tlskit.internal.starttls.Starttls;
import dev.tlskit.internal.starttls.StarttlsProtocol;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * One logged-in (or about to log in) FTP session: the control connection and the data connections it opens. Each
 * command method is a few lines over one private {@code command}. Not thread-safe: FTP is one command at a time.
 *
 * <p>Every protected data connection offers the control connection's TLS session for resumption and says whether the
 * server resumed it in {@link DataProtection#sessionResumed()}. A server that requires resumption and did not get it
 * refuses the transfer ({@link SessionReuseRequiredException}); a data connection that did not resume is otherwise
 * used, after checking that it reached the control connection's server (same certificate, validated for the same
 * name). Uploads report what a failure left on the server ({@link UploadFailedException}); after the command that
 * truncates the remote file, the client refuses only what the server or the network did, or a data connection that
 * does not reach the same server; {@link #uploadAtomically} leaves the remote file untouched on any failure.
 */
public final class FtpSession implements Closeable {
  private static final System.Logger LOG = System.getLogger(FtpSession.class.getName());
  private static final System.Logger DANGEROUS = System.getLogger("dev.tlskit.dangerous");
  /** Most bytes of a directory listing kept in memory. */
  static final int MAX_LISTING = 16 * 1024 * 1024;
  private static final int BUFFER = 64 * 1024;

  private final FtpClient client;
  private final TlsClient tls;
  private final String host;
  private final String peerName;
  private final TlsMode mode;
  private final TlsMode.Decision decision;
  private final SSLContext sslContext;
  private final TlsConnection conn;
  private final ReplyReader replies;
  private FtpReply greeting;
  private Set<String> features = Set.of();
  private DataTls dataTls;
  private boolean dataProtected;
  private boolean ascii;
  private boolean epsvUnsupported;
  private boolean eprtUnsupported;
  private TransferResult lastTransfer;
  private boolean loggedIn;
  private boolean commandChannelCleared;
  private String system; // the SYST reply text, asked once before the first parsed LIST; "" when refused
  // abort(), from another thread or a TransferListener: the transfer's data connection and whether it is to stop
  private volatile boolean transferring;
  private volatile boolean abortRequested;
  private volatile ProtectedData activeData;
  // control keep-alive during a transfer (FtpClient.Builder.controlKeepAlive): NOOPs sent, replies not yet read
  private int noopsPending;
  private long lastControlNanos;

  private FtpSession(FtpClient client, TlsClient tls, String host, String peerName, AutoTls.Opened opened) {
    this.client = client;
    this.tls = tls;
    this.host = host;
    this.peerName = peerName;
    this.decision = opened.decision();
    this.mode = decision.mode();
    this.sslContext = tls.sslContext();
    this.conn = opened.connection();
    this.replies = new ReplyReader(conn::readLine);
  }

  /**
   * Connects with {@code tls}, this session's own copy of the FTP client's TLS client (its TLS context and session
   * cache belong to this session alone), and sets up TLS as {@code mode} says ({@link TlsMode#AUTO} settled by
   * {@link AutoTls}), or as {@code decided} before, when this reconnects to the same server.
   */
  static FtpSession open(FtpClient client, TlsClient tls, String host, int port, String peerName, TlsMode mode,
      TlsMode.Decision decided) throws IOException {
    AutoTls.Opened opened = decided != null ? AutoTls.reopen(tls, host, port, peerName, decided)
        : AutoTls.open(tls, host, port, peerName, mode, StarttlsProtocol.FTP);
    FtpSession s = new FtpSession(client, tls, host, peerName, opened);
    try {
      s.start();
      return s;
    } catch (IOException | RuntimeException e) {
      s.abandon();
      throw e;
    }
  }

  private void start() throws IOException {
    greeting = replies.read();
    if (greeting.code() == 120) greeting = replies.read(); // "ready in nnn minutes", then 220
    if (greeting.code() != 220) throw refusal("connect", greeting);
    if (mode == TlsMode.STARTTLS || mode == TlsMode.OPPORTUNISTIC) { // the one STARTTLS path, as the mail clients
      Starttls.upgrade(conn, StarttlsProtocol.FTP, mode, () -> {
        FtpReply r = command("AUTH", "TLS");
        return new Starttls.Answer(String.valueOf(r.code()), r.toString());
      });
    }
    if (conn.isTls()) {
      SSLSocket control = (SSLSocket) conn.socket();
      dataTls = BcDataTls.isBouncyCastle(control)
          ? new BcDataTls(sslContext, control, peerName)
          : new JdkDataTls(sslContext, control, peerName);
    }
    // Capabilities are fetched only now, after TLS: what the server said before may have been an attacker's.
    features = fetchFeatures();
    if (features.contains("UTF8")) command("OPTS", "UTF8 ON"); // best effort, the reply does not matter
  }

  /**
   * True when this session negotiated TLS 1.2 with the JDK's provider, whose 1.2 sessions the data connections cannot
   * resume, on a context built from the policy (a context the caller supplied cannot be switched to BouncyCastle).
   */
  boolean wantsBouncyCastleForData() {
    return conn.isTls() && client.protectData && sslContext != client.tls.sslContext()
        && JdkDataTls.isJdk(sslContext) // others (BoringSSL) resume 1.2 on their own
        && "TLSv1.2".equals(conn.securityInfo().protocol())
        && !BcDataTls.isBouncyCastle((SSLSocket) conn.socket())
        && !"false".equalsIgnoreCase(System.getProperty("jdk.tls.client.enableSessionTicketExtension"));
  }

  /** Closes the control connection without QUIT. */
  void abandon() {
    try {
      conn.close();
    } catch (IOException ignored) {
      // nothing more to do
    }
  }

  private Set<String> fetchFeatures() throws IOException {
    FtpReply r = command("FEAT", null);
    if (r.code() != 211) return Set.of();
    Set<String> f = new LinkedHashSet<>();
    List<String> lines = r.lines();
    for (int i = 1; i < lines.size() - 1; i++) {
      String line = lines.get(i).trim();
      if (!line.isEmpty()) f.add(line.toUpperCase(Locale.ROOT));
    }
    Set<String> keywords = new LinkedHashSet<>();
    for (String line : f) {
      keywords.add(line);
      int sp = line.indexOf(' ');
      if (sp > 0) keywords.add(line.substring(0, sp));
    }
    return Collections.unmodifiableSet(keywords);
  }

  /**
   * Logs in with {@code USER}/{@code PASS}, then (over TLS) sets {@code PBSZ 0} and {@code PROT P} (or {@code PROT
   * C} when clear data was asked for), and binary transfers ({@code TYPE I}).
   *
   * @throws TlsSecurityException with {@link TlsSecurityException.Reason#PLAINTEXT_CREDENTIALS_REFUSED} when the
   *     control connection is not TLS, unless plaintext ({@link TlsMode#NONE}) was asked for and the server is on a
   *     loopback address: a password sent in clear is a password given away
   * @throws ProtocolException when the server refuses the login
   */
  public void login(String user, char[] password) throws IOException {
    checkArgument(user);
    String pass = Guards.checkSecret("password", new String(password));
    Guards.requireCredentialsAllowed(conn, mode, "USER/PASS");
    FtpReply r = command("USER", user);
    if (r.code() == 331) r = command("PASS", pass);
    if (r.code() != 230 && r.code() != 202) throw refusal("login as " + user, r);
    if (conn.isTls()) {
      expect(200, "PBSZ", "0");
      expect(200, "PROT", client.protectData ? "P" : "C");
      dataProtected = client.protectData;
      if (!dataProtected) {
        DANGEROUS.log(System.Logger.Level.WARNING, "DANGEROUS: data connections of {0} are not encrypted (PROT C,"
            + " FtpClient.Builder.dangerous().clearDataConnections())", host);
      }
    }
    expect(200, "TYPE", "I");
    loggedIn = true;
  }

  /**
   * Sends {@code CCC} (RFC 4217 section 12.3) after login and, on the server's 200, ends TLS on the control connection
   * (close_notify both ways) and goes on in plaintext over the same TCP connection; data connections stay protected as
   * before. Only with {@link FtpClient.Builder.Dangerous#allowClearCommandChannel()}, on explicit TLS ({@code AUTH
   * TLS}), and logged as a WARNING on {@code dev.tlskit.dangerous}. What it weakens is listed there: every later
   * command and reply is readable and alterable on the network path.
   *
   * @throws IllegalStateException when not allowed, before login, or when the control connection is not upgraded
   *     TLS (implicit TLS and plaintext have nothing to clear)
   * @throws ProtocolException when the server refuses (ProFTPD with {@code TLSRequired on}: 534)
   */
  public void clearCommandChannel() throws IOException {
    if (!client.allowClearCommandChannel) {
      throw new IllegalStateException("CCC sends every later command in clear: allow it with"
          + " FtpClient.Builder.dangerous().allowClearCommandChannel()");
    }
    if (!loggedIn) throw new IllegalStateException("CCC only after login: the password must travel under TLS");
    if (!conn.isTls() || mode != TlsMode.STARTTLS && mode != TlsMode.OPPORTUNISTIC) {
      throw new IllegalStateException("CCC needs a control connection upgraded with AUTH TLS (now: " + mode + ")");
    }
    expect(200, "CCC", null);
    conn.endTls();
    commandChannelCleared = true;
    DANGEROUS.log(System.Logger.Level.WARNING, "DANGEROUS: the control connection to {0} is plaintext after CCC"
        + " (FtpClient.Builder.dangerous().allowClearCommandChannel())", host);
  }

  /** Returns true after {@link #clearCommandChannel()}: commands and replies now travel in plaintext. */
  public boolean commandChannelCleared() {
    return commandChannelCleared;
  }

  /** Returns the server's greeting (untrusted text). */
  public FtpReply greeting() {
    return greeting;
  }

  /** Returns the FEAT keywords the server listed after TLS was set up, upper case ("MLST", "EPSV", "UTF8", ...). */
  public Set<String> features() {
    return features;
  }

  /** Returns what the control connection negotiated, or null when it is plaintext. */
  public SecurityInfo securityInfo() {
    return conn.securityInfo();
  }

  /** Returns the TLS mode this session used, {@link TlsMode#AUTO} resolved. */
  public TlsMode tlsMode() {
    return mode;
  }

  /** Returns the TLS mode this session used ({@link TlsMode#AUTO} resolved) and what settled it. */
  public TlsMode.Decision tlsModeDecision() {
    return decision;
  }

  /** Returns the name the server was verified as, also used for every data connection. */
  public String peerName() {
    return peerName;
  }

  /** Returns the last completed transfer (listing or file), or null. */
  public TransferResult lastTransfer() {
    return lastTransfer;
  }

  /** Returns the current directory ({@code PWD}). */
  public String pwd() throws IOException {
    FtpReply r = expect(257, "PWD", null);
    return quotedPath(r);
  }

  /** Changes the current directory ({@code CWD}). */
  public void cwd(String path) throws IOException {
    expect(250, "CWD", path);
  }

  /** Creates a directory ({@code MKD}) and returns the path the server reports, or {@code path}. */
  public String mkdir(String path) throws IOException {
    FtpReply r = expect(257, "MKD", path);
    String q = quotedPath(r);
    return q.isEmpty() ? path : q;
  }

  /** Removes an empty directory ({@code RMD}). */
  public void rmdir(String path) throws IOException {
    expect(250, "RMD", path);
  }

  /** Deletes a file ({@code DELE}). */
  public void delete(String path) throws IOException {
    expect(250, "DELE", path);
  }

  /** Renames {@code from} to {@code to} ({@code RNFR}, {@code RNTO}). */
  public void rename(String from, String to) throws IOException {
    checkArgument(to);
    expect(350, "RNFR", from);
    expect(250, "RNTO", to);
  }

  /** Returns a file's size in bytes ({@code SIZE}, RFC 3659). */
  public long size(String path) throws IOException {
    FtpReply r = expect(213, "SIZE", path);
    try {
      return Long.parseLong(r.text().trim());
    } catch (NumberFormatException e) {
      throw new ProtocolException("malformed SIZE reply: " + printable(r), "213", r.fullText(), e);
    }
  }

  /** Returns a file's modification time ({@code MDTM}, RFC 3659). */
  public Instant modificationTime(String path) throws IOException {
    FtpReply r = expect(213, "MDTM", path);
    Instant t = FtpTime.parseOrNull(r.text().trim());
    if (t == null) throw new ProtocolException("malformed MDTM reply: " + printable(r), "213", r.fullText(), null);
    return t;
  }

  /** Sends {@code NOOP}, keeping an idle control connection alive. */
  public void noop() throws IOException {
    expect(200, "NOOP", null);
  }

  /**
   * Switches to ASCII ({@code TYPE A}, true) or binary ({@code TYPE I}, false, the default after login). In ASCII mode
   * file transfers convert line endings: downloads turn the wire's CRLF into this system's line separator, uploads
   * send each LF (not already after a CR) as CRLF; byte counts are those read from the wire or the local source, and
   * no SIZE check is made. Listings are never converted.
   */
  public void ascii(boolean ascii) throws IOException {
    expect(200, "TYPE", ascii ? "A" : "I");
    this.ascii = ascii;
  }

  /** Sends any command and returns the reply without judging it. Arguments with CR or LF are refused. */
  public FtpReply sendCommand(String verb, String argument) throws IOException {
    checkArgument(verb);
    return command(verb, argument);
  }

  /** Returns the raw {@code LIST} lines of a directory ({@code path} null or empty: the current one). */
  public List<String> list(String path) throws IOException {
    return lines(listing("LIST", path));
  }

  /**
   * Returns the entries of a directory ({@code path} null or empty: the current one): {@link #mlsd} when the server
   * offers MLST in FEAT, {@link #listEntries} otherwise.
   */
  public List<FtpEntry> entries(String path) throws IOException {
    return features.contains("MLST") ? mlsd(path) : listEntries(path);
  }

  /**
   * Returns the {@code LIST} lines of a directory parsed into entries with the facts of {@link FtpEntry} (name, type,
   * size, modification time, link target, Unix permissions and owner when the listing has them). The format is
   * chosen by the server's {@code SYST} answer (asked once): Unix {@code ls -l}, Windows/IIS DOS style, VMS, MVS,
   * OS/400, OS/2, Netware; unknown: Unix, then DOS style. A line no parser understands is kept as an entry whose
   * {@link FtpEntry#isParsed()} is false, with the line in {@link FtpEntry#raw()}. Times without a zone are read as
   * UTC (the default of vsftpd and ProFTPD).
   */
  public List<FtpEntry> listEntries(String path) throws IOException {
    if (system == null) {
      FtpReply r = command("SYST", null);
      system = r.code() == 215 ? r.text() : "";
    }
    byte[] data = listing("LIST", path);
    return ListParser.forSystem(system).parse(new String(data, StandardCharsets.UTF_8));
  }

  /** Returns the names {@code NLST} gives for a directory. */
  public List<String> names(String path) throws IOException {
    return lines(listing("NLST", path));
  }

  /** Returns the parsed {@code MLSD} entries of a directory (RFC 3659). */
  public List<FtpEntry> mlsd(String path) throws IOException {
    List<FtpEntry> entries = new ArrayList<>();
    for (String line : lines(listing("MLSD", path))) entries.add(MlsxParser.parse(line));
    return entries;
  }

  /** Returns the parsed {@code MLST} entry of one path (RFC 3659), sent on the control connection. */
  public FtpEntry mlst(String path) throws IOException {
    FtpReply r = expect(250, "MLST", path);
    for (int i = 1; i < r.lines().size() - 1; i++) {
      String line = r.lines().get(i);
      if (line.startsWith(" ")) return MlsxParser.parse(line);
    }
    throw new ProtocolException("MLST reply without an entry: " + printable(r), "250", r.fullText(), null);
  }

  /**
   * Aborts the transfer in progress (file or listing), from another thread or from its {@link TransferListener}:
   * cuts the data connection without a TLS close_notify (so the server cannot take a cut upload for a complete one),
   * sends {@code ABOR} (RFC 959 section 4.1.3) and reads the server's replies, keeping the control connection in step.
   * The transfer's thread then throws {@link TransferAbortedException}; an upload throws {@link
   * UploadFailedException} (the remote file may be partially written), a download to a file {@link
   * DownloadFailedException} (what its {@code .part} file keeps), with it as the cause. Does nothing when no
   * transfer is running. The one method of this class that may be called from another thread.
   */
  public void abort() {
    if (!transferring) return;
    abortRequested = true;
    ProtectedData d = activeData;
    if (d != null) cut(d);
  }

  /** Closes a data connection's socket at once (RST, no close_notify), unblocking its reader or writer. */
  private static void cut(ProtectedData d) {
    Socket s = d.socket();
    try {
      s.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // already closed
    }
    closeQuietly(s);
  }

  /** Stops a transfer loop when {@link #abort()} was called (from a listener, on this thread). */
  private void checkAbort(ProtectedData d) throws IOException {
    if (abortRequested) {
      cut(d);
      throw new java.net.SocketException("transfer aborted");
    }
  }

  /** Sends NOOP when the control connection has been idle for the keep-alive interval of a transfer. */
  private void keepAlive() throws IOException {
    long every = client.controlKeepAlive.toNanos();
    if (every <= 0) return;
    long now = System.nanoTime();
    if (now - lastControlNanos < every) return;
    LOG.log(System.Logger.Level.DEBUG, "> NOOP (control keep-alive)");
    send("NOOP");
    noopsPending++;
    lastControlNanos = now;
  }

  /**
   * Reads the reply that ends a transfer, with the replies to keep-alive NOOPs sent during it: 200s the server sent
   * before it (some answer during the transfer) are skipped, and those it sends after it (others answer only then)
   * are read, so the next command gets its own reply.
   */
  private FtpReply readTransferReply() throws IOException {
    FtpReply r = replies.read();
    logReply(r);
    while (noopsPending > 0 && r.code() == 200) {
      noopsPending--;
      r = replies.read();
      logReply(r);
    }
    while (noopsPending > 0) {
      noopsPending--;
      logReply(replies.read());
    }
    return r;
  }

  /** Marks the data connection of a running transfer, or the end of a transfer (null). */
  private void active(ProtectedData d) {
    activeData = d;
    if (d != null && abortRequested) cut(d); // abort() came before the data connection existed
  }

  /**
   * Downloads {@code remote} into {@code out} ({@code RETR}), starting at {@code offset} ({@code REST}) when it is
   * positive. {@code out} is not closed.
   */
  public TransferResult retrieve(String remote, OutputStream out, long offset, TransferListener listener)
      throws IOException {
    long total = offset > 0 || listener != TransferListener.NONE ? sizeOrUnknown(remote) : -1;
    return download("RETR", remote, offset, out, listener, total, Long.MAX_VALUE);
  }

  /**
   * Downloads {@code remote} to the file {@code local} through {@code local + ".part"}, renamed to {@code local}
   * only when the server confirmed the complete transfer, so a failed download never leaves a partial file under the
   * final name and never changes an existing {@code local}. A failed download keeps a non-empty {@code .part} file;
   * with {@code resume}, an existing {@code .part} file is continued from its size ({@code REST}).
   *
   * @throws DownloadFailedException when the download failed, saying what the {@code .part} file keeps (the cause is
   *     the error that ended it); an exception thrown by {@code listener} itself is thrown as it is
   */
  public TransferResult download(String remote, Path local, boolean resume, TransferListener listener)
      throws IOException {
    Path part = local.resolveSibling(local.getFileName() + ".part");
    long offset = resume && Files.isRegularFile(part) ? Files.size(part) : 0;
    long total = sizeOrUnknown(remote);
    if (total >= 0 && offset > total) offset = 0; // the remote file shrank: start over
    TransferResult result;
    try (OutputStream out = offset > 0
        ? Files.newOutputStream(part, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
        : Files.newOutputStream(part)) {
      result = download("RETR", remote, offset, out, listener, total, Long.MAX_VALUE);
    } catch (IOException | RuntimeException e) {
      long kept = localSizeOrUnknown(part);
      try {
        if (kept == 0) Files.delete(part); // nothing worth resuming
      } catch (IOException ignored) {
        // the original error is the one to report
      }
      if (e instanceof IOException io) throw new DownloadFailedException(remote, local, part, kept, false, io);
      throw e;
    }
    try {
      try {
        Files.move(part, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(part, local, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new DownloadFailedException(remote, local, part, localSizeOrUnknown(part), true, e);
    }
    return result;
  }

  /** Returns the size of the local file {@code p}, or -1 when it cannot be read (missing, or not readable). */
  private static long localSizeOrUnknown(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Uploads {@code in} to {@code remote} ({@code STOR}), replacing it. {@code in} is not closed.
   *
   * @throws UploadFailedException when the upload failed, saying what state it left {@code remote} in
   */
  public TransferResult store(String remote, InputStream in, TransferListener listener) throws IOException {
    return upload("STOR", remote, 0, in, listener, -1, sizeOrUnknown(remote));
  }

  /**
   * Appends {@code in} to {@code remote} ({@code APPE}). {@code in} is not closed.
   *
   * @throws UploadFailedException when the upload failed, saying what state it left {@code remote} in
   */
  public TransferResult append(String remote, InputStream in, TransferListener listener) throws IOException {
    return upload("APPE", remote, 0, in, listener, -1, sizeOrUnknown(remote));
  }

  /**
   * Uploads the file {@code local} to {@code remote} ({@code STOR}), replacing it. With {@code resume}, a remote file
   * shorter than the local one is continued from its size ({@code REST} then {@code STOR}). The server truncates
   * {@code remote} when the upload starts, so a failed upload leaves it partially written; {@link #uploadAtomically}
   * does not.
   *
   * @throws UploadFailedException when the upload failed, saying what state it left {@code remote} in
   */
  public TransferResult upload(Path local, String remote, boolean resume, TransferListener listener)
      throws IOException {
    long total = Files.size(local);
    long remoteSize = sizeOrUnknown(remote);
    long offset = resume && remoteSize > 0 && remoteSize <= total ? remoteSize : 0;
    try (InputStream in = Files.newInputStream(local)) {
      in.skipNBytes(offset);
      return upload("STOR", remote, offset, in, listener, total, remoteSize);
    }
  }

  /**
   * Uploads the file {@code local} to a temporary name next to {@code remote} ({@code NAME.tlskit-XXXXXXXX.part} in
   * the same directory) and renames it over {@code remote} ({@code RNFR}/{@code RNTO}) only after the server
   * confirmed the complete upload, so a failed upload leaves {@code remote} untouched. A failed upload deletes the
   * temporary file ({@code DELE}). Needs the right to create, rename and delete files in that directory, and a server
   * that renames onto an existing file (pure-ftpd, vsftpd and ProFTPD do; some Windows servers refuse with 550, and
   * then {@code remote} stays as it was). The returned result names {@code remote}.
   *
   * @throws UploadFailedException when the upload or the rename failed, saying what state it left {@code remote} in
   */
  public TransferResult uploadAtomically(Path local, String remote, TransferListener listener) throws IOException {
    checkArgument(remote);
    long total = Files.size(local);
    String temp = temporaryName(remote);
    TransferResult r;
    try (InputStream in = Files.newInputStream(local)) {
      r = upload("STOR", temp, 0, in, listener, total, -1);
    } catch (UploadFailedException e) {
      throw atomicFailure(remote, UploadFailedException.RemoteFile.UNTOUCHED, temp,
          e.remoteFile() != UploadFailedException.RemoteFile.UNTOUCHED, "the upload to the temporary file", e.getCause());
    }
    try {
      expect(350, "RNFR", temp);
    } catch (IOException | RuntimeException e) {
      throw atomicFailure(remote, UploadFailedException.RemoteFile.UNTOUCHED, temp, true, "RNFR", e);
    }
    FtpReply rnto;
    try {
      rnto = command("RNTO", remote);
    } catch (IOException | RuntimeException e) {
      throw atomicFailure(remote, UploadFailedException.RemoteFile.UNTOUCHED_OR_REPLACED, temp, false, "RNTO", e);
    }
    if (rnto.code() != 250) {
      throw atomicFailure(remote, UploadFailedException.RemoteFile.UNTOUCHED, temp, true,
          "the rename onto it (some servers do not rename onto an existing file)", refusal("RNTO " + remote, rnto));
    }
    lastTransfer = new TransferResult(r.command(), remote, r.offset(), r.bytes(), r.elapsed(), r.protection());
    return lastTransfer;
  }

  /**
   * Returns the failure of an atomic upload to {@code remote} at {@code step}, after deleting the temporary file when
   * it {@code mayExist} (and the rename's outcome is known).
   */
  private UploadFailedException atomicFailure(String remote, UploadFailedException.RemoteFile state, String temp,
      boolean mayExist, String step, Throwable cause) {
    boolean remains = mayExist && !deleteTemporary(temp);
    String fate = state == UploadFailedException.RemoteFile.UNTOUCHED_OR_REPLACED
        ? "the complete upload is under one of " + remote + " and " + temp
        : !mayExist ? "the temporary file " + temp + " was not created"
            : remains ? "the temporary file " + temp + " may remain on the server"
                : "the temporary file " + temp + " was deleted";
    return new UploadFailedException(remote, state, -1, -1,
        remains || state == UploadFailedException.RemoteFile.UNTOUCHED_OR_REPLACED ? temp : null,
        "atomic upload: " + step + " failed; " + fate, cause);
  }

  /** Deletes the temporary file of a failed atomic upload; returns false when it may remain. */
  private boolean deleteTemporary(String temp) {
    if (conn.socket().isClosed()) return false;
    try {
      return command("DELE", temp).isPositive() || sizeOrUnknown(temp) < 0;
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "DELE {0}: {1}", temp, e.getMessage());
      return false;
    }
  }

  /** Returns {@code NAME.tlskit-XXXXXXXX.part} in the directory of {@code remote}. */
  static String temporaryName(String remote) {
    int slash = remote.lastIndexOf('/');
    String name = remote.substring(slash + 1);
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("not a file name: " + remote);
    }
    return remote.substring(0, slash + 1) + name + ".tlskit-"
        + String.format("%08x", java.util.concurrent.ThreadLocalRandom.current().nextInt()) + ".part";
  }

  /** Sends {@code QUIT} and closes the connection. */
  public void quit() throws IOException {
    try {
      command("QUIT", null);
    } finally {
      conn.close();
    }
  }

  /** Closes the connection, trying {@code QUIT} first. */
  @Override
  public void close() throws IOException {
    if (conn.socket().isClosed()) return;
    try {
      quit();
    } catch (IOException e) {
      conn.close();
    }
  }

  // ---- transfers

  private byte[] listing(String verb, String path) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    download(verb, path == null || path.isEmpty() ? null : path, 0, buf, TransferListener.NONE, -1, MAX_LISTING);
    return buf.toByteArray();
  }

  private TransferResult download(String verb, String path, long offset, OutputStream sink,
      TransferListener listener, long total, long limit) throws IOException {
    return abortable(() -> downloadTransfer(verb, path, offset, sink, listener, total, limit));
  }

  private interface Transfer {
    TransferResult run() throws IOException;
  }

  /** Runs one transfer that {@link #abort()} can stop. */
  private TransferResult abortable(Transfer transfer) throws IOException {
    abortRequested = false;
    transferring = true;
    noopsPending = 0;
    lastControlNanos = System.nanoTime();
    try {
      return transfer.run();
    } finally {
      transferring = false;
      activeData = null;
    }
  }

  private TransferResult downloadTransfer(String verb, String path, long offset, OutputStream sink,
      TransferListener listener, long total, long limit) throws IOException {
    long start = System.nanoTime();
    Data data = secureData(verb, path, started(verb, path, prepareData(offset)));
    long n = 0;
    try (ProtectedData d = data.connection) {
      active(d);
      InputStream in = d.input();
      OutputStream target = ascii && verb.equals("RETR") ? AsciiStreams.fromNetwork(sink) : sink;
      byte[] buf = new byte[BUFFER];
      int r;
      while ((r = in.read(buf)) >= 0) {
        n += r;
        if (n > limit) throw new ProtocolException(verb + " sent more than " + limit + " bytes");
        target.write(buf, 0, r);
        listener.progress(offset + n, total);
        checkAbort(d);
        keepAlive();
      }
      if (target != sink) target.close(); // the converter's last bytes; sink itself stays open
    } catch (IOException | RuntimeException e) {
      Exception failure = isTruncation(e) ? truncated(verb, path, offset + n, e) : e;
      throw afterFailedTransfer(verb, path, data.protection, failure, n);
    }
    TransferResult result = finish(verb, path, offset, n, start, data.protection);
    if (verb.equals("RETR") && !ascii && total >= 0 && offset + n != total) {
      // A data connection cut by someone else can end early while the server, whose bytes left, reports success.
      throw new ProtocolException("RETR " + path + " ended at byte " + (offset + n) + " of " + total
          + " (SIZE): transfer cut short");
    }
    return result;
  }

  /** True when {@code e} says a protected data connection ended without close_notify (the data may be truncated). */
  private static boolean isTruncation(Exception e) {
    return e instanceof TlsSecurityException t && t.reason() == TlsSecurityException.Reason.TRUNCATED;
  }

  /** Names the transfer, the byte it ended at and the peer in a data connection's truncation error. */
  private TlsSecurityException truncated(String verb, String path, long at, Exception e) {
    return new TlsSecurityException(TlsSecurityException.Reason.TRUNCATED, verb + (path == null ? "" : " " + path)
        + " ended at byte " + at + ": the data connection from " + peerName + " was closed without TLS close_notify"
        + " (by the server or someone on the path), so the data may be truncated", null, e);
  }

  /**
   * Uploads with {@code verb} (STOR or APPE). Everything that can refuse on the client's side (local file, data port,
   * REST) runs before the command that may truncate the remote file; any failure is reported with what it left at
   * {@code path}, whose size is asked before ({@code sizeBefore}, -1 when unknown) and after a failure.
   */
  private TransferResult upload(String verb, String path, long offset, InputStream src, TransferListener listener,
      long total, long sizeBefore) throws IOException {
    return abortable(() -> uploadTransfer(verb, path, offset, src, listener, total, sizeBefore));
  }

  private TransferResult uploadTransfer(String verb, String path, long offset, InputStream src,
      TransferListener listener, long total, long sizeBefore) throws IOException {
    long start = System.nanoTime();
    Pending pending;
    try {
      pending = prepareData(offset);
    } catch (IOException | RuntimeException e) {
      throw uploadFailed(path, UploadFailedException.RemoteFile.UNTOUCHED, sizeBefore, e);
    }
    FtpReply reply;
    try {
      reply = command(verb, path);
    } catch (IOException | RuntimeException e) {
      pending.close();
      throw uploadFailed(path, UploadFailedException.RemoteFile.PARTIALLY_WRITTEN, sizeBefore, e);
    }
    if (!reply.isPreliminary()) {
      pending.close();
      throw uploadFailed(path, UploadFailedException.RemoteFile.UNTOUCHED, sizeBefore,
          refusal(verb + " " + path, reply));
    }
    // From here on the server may have truncated or created the file: nothing below refuses on a preference of
    // ours; only the server, the network, and the checks that the data connection reaches the same server can.
    Data data;
    try {
      data = secureData(verb, path, pending);
    } catch (IOException | RuntimeException e) {
      throw uploadFailed(path, UploadFailedException.RemoteFile.PARTIALLY_WRITTEN, sizeBefore, e);
    }
    long n = 0;
    try {
      try (ProtectedData d = data.connection) {
        active(d);
        OutputStream out = ascii ? AsciiStreams.toNetwork(d.output()) : d.output();
        byte[] buf = new byte[BUFFER];
        int r;
        while ((r = src.read(buf)) >= 0) {
          out.write(buf, 0, r);
          n += r;
          listener.progress(offset + n, total);
          checkAbort(d);
          keepAlive();
        }
        out.flush();
      } catch (IOException | RuntimeException e) {
        throw afterFailedTransfer(verb, path, data.protection, e, n);
      }
      return finish(verb, path, offset, n, start, data.protection);
    } catch (IOException | RuntimeException e) {
      throw uploadFailed(path, UploadFailedException.RemoteFile.PARTIALLY_WRITTEN, sizeBefore, e);
    }
  }

  /** Wraps an upload failure with what it left at {@code path}, asking the server for the size when it may differ. */
  private UploadFailedException uploadFailed(String path, UploadFailedException.RemoteFile state, long sizeBefore,
      Exception cause) {
    long after = -1;
    if (state == UploadFailedException.RemoteFile.PARTIALLY_WRITTEN && !conn.socket().isClosed()) {
      try {
        after = sizeOrUnknown(path);
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "SIZE after failed upload: {0}", e.getMessage());
      }
    }
    return new UploadFailedException(path, state, sizeBefore, after, null, null, cause);
  }

  private TransferResult finish(String verb, String path, long offset, long n, long start, DataProtection p)
      throws IOException {
    FtpReply end = readTransferReply();
    if (!end.isPositive()) throw refusal(verb, path, p, end, null);
    lastTransfer = new TransferResult(verb, path == null ? "" : path, offset, n,
        Duration.ofNanos(System.nanoTime() - start), p);
    return lastTransfer;
  }

  /**
   * After a failed transfer, reads the server's final reply (426, 451, 522, ...) so the next command stays in step,
   * and returns the error to throw: the server's refusal of a data connection that did not resume, or {@code e}.
   */
  private IOException afterFailedTransfer(String verb, String path, DataProtection p, Exception e, long bytes) {
    if (abortRequested) return aborted(verb, path, bytes, e);
    FtpReply r = tryReadReply();
    if (r == null) LOG.log(System.Logger.Level.DEBUG, "no final reply after failed {0}", verb);
    if (r != null && isReuseRefusal(p, r)) return (IOException) refusal(verb, path, p, r, e);
    if (e instanceof RuntimeException re) throw re;
    return (IOException) e;
  }

  /**
   * Sends ABOR after {@link #abort()} cut the data connection and reads what the server owes: two replies, the
   * transfer's end and ABOR's answer in the server's order, or ABOR's answer alone (225).
   */
  private IOException aborted(String verb, String path, long bytes, Exception cause) {
    List<FtpReply> got = new ArrayList<>();
    try {
      send("ABOR");
      while (got.size() < 2 && !(got.size() == 1 && got.get(0).code() == 225)) {
        FtpReply r = replies.read();
        logReply(r);
        if (r.code() == 200 && noopsPending > 0) noopsPending--; // a keep-alive's reply
        else got.add(r);
      }
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
    String what = verb + (path == null ? "" : " " + path);
    StringBuilder said = new StringBuilder();
    for (FtpReply r : got) said.append(said.isEmpty() ? "; the server said " : ", then ").append(printable(r));
    return new TransferAbortedException(what + " aborted after " + bytes + " bytes"
        + (got.isEmpty() ? "; no reply after ABOR" : said), bytes, got, cause);
  }

  /**
   * Returns true when {@code r} refuses a data connection because it did not resume the control session: it did
   * not, and the server says so (vsftpd: "522 SSL connection failed: session reuse required"; FileZilla Server: "450
   * TLS session of data connection has not resumed or the session does not match the control connection"), or
   * answers 425/522, the codes for a refused data connection (ProFTPD: "425 Unable to build data connection:
   * Operation not permitted").
   */
  private static boolean isReuseRefusal(DataProtection p, FtpReply r) {
    if (!p.tls() || p.sessionResumed() || r.isPositive() || r.isPreliminary()) return false;
    return r.code() == 425 || r.code() == 522 || mentionsReuse(r);
  }

  /** Returns true when a negative reply names session reuse or resumption as its reason. */
  private static boolean mentionsReuse(FtpReply r) {
    String text = r.fullText().toLowerCase(Locale.ROOT);
    return !r.isPositive() && !r.isPreliminary() && (text.contains("reus") || text.contains("resum"));
  }

  private static ProtocolException refusal(String verb, String path, DataProtection p, FtpReply r,
      Throwable cause) {
    String what = verb + (path == null ? "" : " " + path);
    if (!isReuseRefusal(p, r)) return refusal(what, r);
    return new SessionReuseRequiredException("the server refused the data connection for " + what + ": "
        + printable(r) + ". It did not resume the control connection's TLS session ("
        + (p.protocol() == null ? "handshake failed" : p.protocol()) + ", " + p.mechanism()
        + "), which this server requires (RFC 4217 section 10.2)", r, p, cause);
  }

  private record Data(ProtectedData connection, DataProtection protection) {}

  /** A data connection set up before the transfer command: dialled (passive) or listening (active). */
  private record Pending(Socket raw, ServerSocket listener) {
    void close() {
      closeQuietly(raw);
      closeQuietly(listener);
    }
  }

  /** Sends REST when resuming and sets up the data connection: nothing here changes a file on the server. */
  private Pending prepareData(long offset) throws IOException {
    if (offset > 0) expect(350, "REST", Long.toString(offset));
    return client.dataMode == DataConnectionMode.PASSIVE ? new Pending(connectPassive(), null)
        : new Pending(null, listenActive());
  }

  /** Sends the transfer command; returns {@code pending} when the server starts the transfer (1xx). */
  private Pending started(String verb, String path, Pending pending) throws IOException {
    try {
      FtpReply r = command(verb, path);
      if (!r.isPreliminary()) throw refusal(verb + (path == null ? "" : " " + path), r);
      return pending;
    } catch (IOException | RuntimeException e) {
      pending.close();
      throw e;
    }
  }

  /**
   * Completes a started data connection: accepts it (active mode), runs TLS, and checks that it reaches the server
   * of the control connection. A data connection that did not resume the control session is used all the same
   * (resumption is the server's requirement: a server that demands it refuses the connection, see {@link
   * SessionReuseRequiredException}) unless {@link FtpClient.Builder#requireSessionReuse(boolean)} asks otherwise; its
   * certificate was validated for the control connection's name, and must be the control connection's.
   */
  private Data secureData(String verb, String path, Pending pending) throws IOException {
    Socket raw = pending.raw();
    try {
      if (pending.listener() != null) raw = acceptActive(pending.listener());
      if (!dataProtected) return new Data(SocketData.clear(raw), DataProtection.CLEAR);
      Socket tcp = raw;
      raw = null; // owned by the TLS layer from here on
      ProtectedData d;
      // the server's first flight names the key-exchange group, as on the control connection
      KeyExchangeSniffer flight = tcp instanceof TransportSocket t ? t.watchServerFlight(true) : null;
      try {
        tcp.setSoTimeout(millis(tls.handshakeTimeout())); // the TLS layers read through this socket
        d = dataTls.secure(tcp);
        tcp.setSoTimeout(millis(tls.readTimeout()));
      } catch (SocketTimeoutException e) {
        SocketTimeoutException t = new SocketTimeoutException("TLS handshake on the data connection for " + verb
            + " timed out after " + tls.handshakeTimeout().toMillis() + " ms");
        t.initCause(e);
        throw t;
      } catch (IOException e) {
        FtpReply after = tryReadReply();
        DataProtection tried = new DataProtection(true, null, null, false, dataTls.mechanism(), null);
        if (after != null && mentionsReuse(after)) throw refusal(verb, path, tried, after, e);
        throw new TlsSecurityException(TlsSecurityException.Reason.HANDSHAKE_FAILED,
            "TLS handshake on the data connection for " + verb + " failed: " + e.getMessage()
                + (after == null ? "" : "; server said: " + printable(after)), null, e);
      }
      SSLSession s = d.session();
      boolean resumed = Resumption.resumed(dataTls.controlSession(), s);
      DataProtection p = new DataProtection(true, s.getProtocol(), s.getCipherSuite(), resumed,
          dataTls.mechanism(), SecurityInfos.group(flight, s.getCipherSuite(), resumed));
      String refusal = null;
      TlsSecurityException.Reason reason = TlsSecurityException.Reason.HANDSHAKE_FAILED;
      if (!resumed && !Resumption.sameServer(dataTls.controlSession(), s)) {
        refusal = "the data connection for " + verb + " presented a certificate other than the control"
            + " connection's: it does not reach the same server";
        reason = TlsSecurityException.Reason.CERTIFICATE_REJECTED;
      } else if (!resumed && client.requireSessionReuse) {
        refusal = "the data connection for " + verb + " did not resume the control connection's TLS session ("
            + s.getProtocol() + ", " + dataTls.mechanism() + ") and requireSessionReuse is set";
      }
      if (refusal != null) {
        d.close();
        FtpReply after = tryReadReply();
        throw new TlsSecurityException(reason, refusal + (after == null ? "" : "; server said: " + printable(after)));
      }
      if (!resumed) {
        LOG.log(System.Logger.Level.DEBUG, "the data connection for {0} did not resume the control session ({1})",
            verb, s.getProtocol());
      }
      return new Data(d, p);
    } catch (IOException | RuntimeException e) {
      closeQuietly(raw);
      throw e;
    } finally {
      closeQuietly(pending.listener());
    }
  }

  private FtpReply tryReadReply() {
    try {
      return readTransferReply();
    } catch (IOException e) {
      return null;
    }
  }

  private Socket connectPassive() throws IOException {
    // Through a proxy, the control connection's peer is the proxy: PASV is then as good as EPSV (only its port is
    // used), and the data connection asks the proxy for the control connection's host.
    InetAddress peer = tls.proxy() == null ? conn.remoteAddress().getAddress() : null;
    boolean pasvPossible = peer == null || peer instanceof Inet4Address;
    if (!epsvUnsupported || !pasvPossible) {
      FtpReply r = command("EPSV", null);
      if (r.code() == 229) return dial(peer, DataAddresses.parseEpsv(r));
      if (!pasvPossible || (r.code() != 500 && r.code() != 501 && r.code() != 502)) throw refusal("EPSV", r);
      epsvUnsupported = true;
    }
    FtpReply r = expect(227, "PASV", null);
    InetSocketAddress announced = DataAddresses.parsePasv(r);
    if (peer != null && DataAddresses.isForeign(announced, peer)) {
      LOG.log(System.Logger.Level.DEBUG, "PASV announced {0}; connecting to the control peer {1} instead",
          announced.getAddress().getHostAddress(), peer.getHostAddress());
    }
    if (peer == null) return dial(null, announced.getPort()); // the announced address is never dialled
    InetSocketAddress target = DataAddresses.pasvTarget(announced, peer);
    return dial(target.getAddress(), target.getPort());
  }

  /**
   * Opens a passive data connection to {@code port} of the control connection's peer ({@code peer}, the address
   * the control connection reached, never a name resolved again), or through the proxy to the control connection's
   * host when {@code peer} is null: dialled and timed as the TLS client dials every connection.
   */
  private Socket dial(InetAddress peer, int port) throws IOException {
    String target = peer == null ? host : peer.getHostAddress();
    return new TransportSocket(Dialer.connect(target, port, tls.proxy(), tls.connectTimeout(), tls.readTimeout()),
        tls.writeTimeout());
  }

  private static int millis(Duration d) {
    return Math.toIntExact(d.toMillis());
  }

  private ServerSocket listenActive() throws IOException {
    InetAddress local = conn.socket().getLocalAddress();
    ServerSocket ss = new ServerSocket(0, 1, local);
    try {
      ss.setSoTimeout(millis(tls.readTimeout()));
      if (!eprtUnsupported || !(local instanceof Inet4Address)) {
        FtpReply r = command("EPRT", DataAddresses.eprtArgument(local, ss.getLocalPort()));
        if (r.code() == 200) return ss;
        if (!(local instanceof Inet4Address) || (r.code() != 500 && r.code() != 501 && r.code() != 502)) {
          throw refusal("EPRT", r);
        }
        eprtUnsupported = true;
      }
      expect(200, "PORT", DataAddresses.portArgument((Inet4Address) local, ss.getLocalPort()));
      return ss;
    } catch (IOException | RuntimeException e) {
      ss.close();
      throw e;
    }
  }

  private Socket acceptActive(ServerSocket listener) throws IOException {
    InetAddress peer = conn.remoteAddress().getAddress();
    Socket s;
    try {
      s = listener.accept();
    } catch (SocketTimeoutException e) {
      throw new SocketTimeoutException("server did not open the active data connection within "
          + tls.readTimeout().toSeconds() + " s");
    }
    if (!s.getInetAddress().equals(peer)) {
      s.close();
      throw new ProtocolException("active data connection came from " + s.getInetAddress().getHostAddress()
          + ", not from the server " + peer.getHostAddress());
    }
    try {
      s.setSoTimeout(millis(tls.readTimeout()));
      return new TransportSocket(s, tls.writeTimeout()); // writes bounded as on every connection of the client
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  // ---- commands

  private long sizeOrUnknown(String path) throws IOException {
    FtpReply r = command("SIZE", path);
    if (r.code() != 213) return -1;
    try {
      return Long.parseLong(r.text().trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private FtpReply expect(int code, String verb, String argument) throws IOException {
    FtpReply r = command(verb, argument);
    if (r.code() != code) throw refusal(verb + (argument == null || verb.equals("PASS") ? "" : " " + argument), r);
    return r;
  }

  private FtpReply command(String verb, String argument) throws IOException {
    if (argument != null) checkArgument(argument);
    String line = argument == null ? verb : verb + " " + argument;
    LOG.log(System.Logger.Level.DEBUG, "> {0}", verb.equals("PASS") ? "PASS ****" : line);
    send(line);
    FtpReply r = replies.read();
    logReply(r);
    return r;
  }

  /** Writes one command line (already checked) to the control connection. */
  private void send(String line) throws IOException {
    OutputStream out = conn.output();
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void logReply(FtpReply r) {
    LOG.log(System.Logger.Level.DEBUG, "< {0}", r);
  }

  /** Refuses CR, LF and NUL in arguments: they would end the command early and smuggle in another one. */
  static void checkArgument(String arg) {
    Guards.checkArgument("FTP command argument", arg);
  }

  private static String quotedPath(FtpReply r) {
    String t = r.text();
    int a = t.indexOf('"');
    if (a < 0) return "";
    StringBuilder sb = new StringBuilder();
    for (int i = a + 1; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '"') {
        if (i + 1 < t.length() && t.charAt(i + 1) == '"') {
          sb.append('"');
          i++;
        } else {
          return sb.toString();
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static List<String> lines(byte[] data) {
    List<String> out = new ArrayList<>();
    for (String l : new String(data, StandardCharsets.UTF_8).split("\r?\n")) {
      if (!l.isEmpty()) out.add(l);
    }
    return out;
  }

  private static ProtocolException refusal(String what, FtpReply r) {
    return new ProtocolException(what + " refused by server: " + printable(r), String.valueOf(r.code()),
        r.fullText(), null);
  }

  private static String printable(FtpReply r) {
    return PeerText.quote(r.toString());
  }

  private static void closeQuietly(Closeable c) {
    if (c == null) return;
    try {
      c.close();
    } catch (IOException ignored) {
      // already failing; the first error is the one to report
    }
  }
}
