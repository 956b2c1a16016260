package dev.tlskit.cli.sink;

import dev.tlskit.ProtocolException;
import dev.tlskit.ServerConnection;
import dev.tlskit.ServerHandler;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A minimal SMTP server that accepts every message and hands it to a {@link Spool}: EHLO/HELO, STARTTLS (when
 * offered), AUTH PLAIN and LOGIN (any credentials, and only over TLS), MAIL, RCPT, DATA with dot-unstuffing, RSET,
 * NOOP, QUIT. Only {@code <CRLF>.<CRLF>} ends DATA; a bare CR or LF is kept as message text. After STARTTLS the
 * session starts over, as RFC 3207 requires. Bounded: 2048-byte command lines, 100 recipients, {@code
 * maxMessageBytes} per message (larger ones are read to the end and refused with 552).
 */
public final class SmtpSink implements ServerHandler {
  private static final int MAX_COMMAND = 2048;
  private static final int MAX_DATA_LINE = 64 * 1024;
  private static final int MAX_RECIPIENTS = 100;

  private final String hostname;
  private final boolean offerStarttls;
  private final long maxMessageBytes;
  private final Spool spool;
  private final Consumer<String> log;

  /**
   * @param offerStarttls advertise and accept STARTTLS (for a plaintext listener)
   * @param log receives one line per spooled message
   */
  public SmtpSink(String hostname, boolean offerStarttls, long maxMessageBytes, Spool spool, Consumer<String> log) {
    this.hostname = hostname;
    this.offerStarttls = offerStarttls;
    this.maxMessageBytes = maxMessageBytes;
    this.spool = spool;
    this.log = log;
  }

  @Override
  public void handle(ServerConnection c) throws IOException {
    new Session(c).run();
  }

  /** One client's session; the state RFC 5321 and RFC 3207 make it forget at RSET, EHLO and STARTTLS. */
  private final class Session {
    private final ServerConnection c;
    private String helo;
    private String user;
    private String from;
    private final List<String> recipients = new ArrayList<>();

    Session(ServerConnection c) {
      this.c = c;
    }

    void run() throws IOException {
      reply("220 " + hostname + " ESMTP tlskit sink ready");
      while (true) {
        String line;
        try {
          line = c.readLine(MAX_COMMAND);
        } catch (EOFException e) {
          return;
        } catch (ProtocolException e) {
          reply("500 5.5.6 command line too long");
          return;
        }
        int sp = line.indexOf(' ');
        String verb = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
        String arg = sp < 0 ? "" : line.substring(sp + 1).strip();
        switch (verb) {
          case "EHLO", "HELO" -> hello(verb, arg);
          case "STARTTLS" -> starttls(arg);
          case "AUTH" -> auth(arg);
          case "MAIL" -> mail(arg);
          case "RCPT" -> rcpt(arg);
          case "DATA" -> data();
          case "RSET" -> {
            resetTransaction();
            reply("250 2.0.0 OK");
          }
          case "NOOP" -> reply("250 2.0.0 OK");
          case "VRFY" -> reply("252 2.1.5 cannot verify, but will accept");
          case "QUIT" -> {
            reply("221 2.0.0 " + hostname + " closing");
            return;
          }
          default -> reply("500 5.5.2 command not recognized");
        }
      }
    }

    private void hello(String verb, String arg) throws IOException {
      if (arg.isEmpty()) {
        reply("501 5.5.4 " + verb + " needs a domain");
        return;
      }
      resetTransaction();
      helo = arg;
      if (verb.equals("HELO")) {
        reply("250 " + hostname);
        return;
      }
      List<String> ext = new ArrayList<>(List.of(hostname + " greets " + arg, "SIZE " + maxMessageBytes,
          "8BITMIME", "ENHANCEDSTATUSCODES"));
      if (offerStarttls && !c.isTls()) ext.add("STARTTLS");
      if (c.isTls() && user == null) ext.add("AUTH PLAIN LOGIN");
      for (int i = 0; i < ext.size(); i++) reply("250" + (i == ext.size() - 1 ? " " : "-") + ext.get(i));
    }

    private void starttls(String arg) throws IOException {
      if (!offerStarttls || c.isTls()) {
        reply(c.isTls() ? "503 5.5.1 TLS already active" : "502 5.5.1 STARTTLS not offered");
      } else if (!arg.isEmpty()) {
        reply("501 5.5.4 STARTTLS takes no argument");
      } else {
        c.upgradeToTls("220 2.0.0 Ready to start TLS");
        helo = null; // RFC 3207 section 4.2: forget everything learned before TLS
        user = null;
        resetTransaction();
      }
    }

    private void auth(String arg) throws IOException {
      if (!c.isTls()) {
        reply("538 5.7.11 encryption required: use STARTTLS first");
        return;
      }
      if (helo == null || user != null || from != null) {
        reply("503 5.5.1 " + (helo == null ? "EHLO first" : user != null ? "already authenticated"
            : "AUTH not allowed during a mail transaction"));
        return;
      }
      String[] parts = arg.split(" ", 2);
      String mechanism = parts[0].toUpperCase(Locale.ROOT);
      String initial = parts.length > 1 ? parts[1] : null;
      String who;
      switch (mechanism) {
        case "PLAIN" -> {
          String response = initial != null ? initial : challenge("");
          String decoded = decode(response);
          if (decoded == null) return;
          String[] f = decoded.split("\0", -1);
          if (f.length != 3 || f[1].isEmpty()) {
            reply("501 5.5.2 malformed PLAIN response");
            return;
          }
          who = f[1];
        }
        case "LOGIN" -> {
          String name = decode(initial != null ? initial : challenge("VXNlcm5hbWU6"));
          if (name == null) return;
          if (decode(challenge("UGFzc3dvcmQ6")) == null) return;
          who = name;
        }
        default -> {
          reply("504 5.5.4 unrecognized authentication mechanism");
          return;
        }
      }
      user = who;
      reply("235 2.7.0 authentication successful");
    }

    private String challenge(String base64) throws IOException {
      reply("334 " + base64);
      return c.readLine(MAX_COMMAND).strip();
    }

    /** Decodes a SASL response; replies and returns null when it is a cancel or not base64. */
    private String decode(String response) throws IOException {
      if (response.equals("*")) {
        reply("501 5.0.0 authentication cancelled");
        return null;
      }
      try {
        return new String(Base64.getDecoder().decode(response), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        reply("501 5.5.2 response is not base64");
        return null;
      }
    }

    private void mail(String arg) throws IOException {
      String addr = path(arg, "FROM:");
      if (helo == null) reply("503 5.5.1 EHLO first");
      else if (from != null) reply("503 5.5.1 nested MAIL command");
      else if (addr == null) reply("501 5.5.4 syntax: MAIL FROM:<address>");
      else {
        from = addr;
        reply("250 2.1.0 OK");
      }
    }

    private void rcpt(String arg) throws IOException {
      String addr = path(arg, "TO:");
      if (from == null) reply("503 5.5.1 MAIL first");
      else if (addr == null || addr.isEmpty()) reply("501 5.5.4 syntax: RCPT TO:<address>");
      else if (recipients.size() >= MAX_RECIPIENTS) reply("452 4.5.3 too many recipients");
      else {
        recipients.add(addr);
        reply("250 2.1.5 OK");
      }
    }

    private void data() throws IOException {
      if (recipients.isEmpty()) {
        reply("503 5.5.1 RCPT first");
        return;
      }
      reply("354 end data with <CR><LF>.<CR><LF>");
      ByteArrayOutputStream message = new ByteArrayOutputStream();
      boolean tooBig = false;
      InputStream in = c.input();
      // Only <CRLF>.<CRLF> ends the data (RFC 5321 section 4.1.1.4). A bare LF or CR is kept as data and never starts
      // or ends a line here: a sink that also ended at <CRLF>.<LF> or <LF>.<CRLF> would take what follows as new
      // commands that a relay reading the same bytes keeps as message text (SMTP smuggling).
      boolean lineStart = true; // the bytes read so far end with CRLF (the DATA command's own counts)
      while (true) {
        byte[] line = readDataLine(in); // ends with LF
        boolean crlf = line.length >= 2 && line[line.length - 2] == '\r';
        if (lineStart && crlf && line.length == 3 && line[0] == '.') break;
        int off = lineStart && line[0] == '.' ? 1 : 0; // dot-unstuffing, RFC 5321 section 4.5.2
        if (message.size() + line.length - off > maxMessageBytes) tooBig = true;
        if (!tooBig) message.write(line, off, line.length - off);
        lineStart = crlf;
      }
      if (tooBig) {
        reply("552 5.3.4 message exceeds " + maxMessageBytes + " bytes");
      } else {
        Spool.Envelope env = new Spool.Envelope(helo, c.remoteAddress().toString(), user, from,
            List.copyOf(recipients), c.isTls() ? c.securityInfo().protocol() + " " + c.securityInfo().cipherSuite()
                : null);
        String file = spool.store(env, message.toByteArray());
        log.accept("spooled " + file + " from <" + from + "> to " + recipients
            + (user == null ? "" : " as " + user));
        reply("250 2.0.0 OK queued as " + file);
      }
      resetTransaction();
    }

    private byte[] readDataLine(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream(128);
      while (true) {
        int x = in.read();
        if (x < 0) throw new EOFException("connection closed in the middle of DATA");
        b.write(x);
        if (x == '\n') return b.toByteArray();
        if (b.size() > MAX_DATA_LINE) throw new ProtocolException("DATA line longer than " + MAX_DATA_LINE);
      }
    }

    private void resetTransaction() {
      from = null;
      recipients.clear();
    }

    private void reply(String line) throws IOException {
      c.writeLine(line);
    }
  }

  /** Returns the address in {@code FROM:<addr> params} (null when malformed); {@code <>} gives "". */
  static String path(String arg, String keyword) {
    if (!arg.regionMatches(true, 0, keyword, 0, keyword.length())) return null;
    String rest = arg.substring(keyword.length()).strip();
    if (!rest.startsWith("<")) return null;
    int end = rest.indexOf('>');
    if (end < 0) return null;
    String addr = rest.substring(1, end);
    if (addr.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) return null;
    return addr;
  }
}
