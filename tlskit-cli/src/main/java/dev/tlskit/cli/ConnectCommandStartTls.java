package dev.tlskit.cli;

import dev.tlskit.ProtocolException;
import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsConnection;
import dev.tlskit.TlsSecurityException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The plaintext preamble of {@code tlskit connect --starttls}: greeting, capability check, upgrade command, positive
 * reply, then the TLS handshake. Each protocol is a few lines over {@link #cmd} and {@link #reply}; the upgrade itself
 * is the connection's guarded {@link TlsConnection#upgradeToTls()}, which refuses injected plaintext.
 */
final class ConnectCommandStartTls {
  /** The protocols whose upgrade this knows. */
  enum Protocol { SMTP, IMAP, POP3, FTP }

  private static final int MAX_LINE = 8192;
  private static final int MAX_LINES = 200;

  private final TlsConnection conn;
  private final Consumer<String> transcript;

  ConnectCommandStartTls(TlsConnection conn, Consumer<String> transcript) {
    this.conn = conn;
    this.transcript = transcript;
  }

  /** Runs the preamble of {@code protocol} and upgrades the connection. */
  SecurityInfo upgrade(Protocol protocol) throws IOException {
    switch (protocol) {
      case SMTP -> smtp();
      case IMAP -> imap();
      case POP3 -> pop3();
      case FTP -> ftp();
    }
    return conn.upgradeToTls();
  }

  private void smtp() throws IOException {
    expect(reply(), "220", "greeting");
    cmd("EHLO tlskit.invalid");
    List<String> ehlo = reply();
    expect(ehlo, "250", "EHLO");
    if (ehlo.stream().noneMatch(l -> l.length() > 4 && l.substring(4).trim().equalsIgnoreCase("STARTTLS"))) {
      throw notOffered("SMTP server does not advertise STARTTLS");
    }
    cmd("STARTTLS");
    expectUpgrade(reply(), "220", "STARTTLS");
  }

  private void imap() throws IOException {
    String greeting = line();
    if (greeting.regionMatches(true, 0, "* PREAUTH", 0, 9)) {
      throw new TlsSecurityException(TlsSecurityException.Reason.PREAUTH_REFUSED,
          "IMAP server sent PREAUTH (already authenticated) before TLS: refusing to continue in plaintext");
    }
    if (!greeting.regionMatches(true, 0, "* OK", 0, 4)) throw refusal("IMAP greeting", greeting);
    cmd("a001 CAPABILITY");
    boolean offered = false;
    int n = 0;
    for (String l = line(); !l.startsWith("a001 "); l = line()) {
      if (++n > MAX_LINES) throw new ProtocolException("IMAP CAPABILITY reply longer than " + MAX_LINES + " lines");
      if (l.toUpperCase(Locale.ROOT).startsWith("* CAPABILITY")
          && List.of(l.toUpperCase(Locale.ROOT).split(" ")).contains("STARTTLS")) {
        offered = true;
      }
    }
    if (!offered) throw notOffered("IMAP server does not advertise STARTTLS");
    cmd("a002 STARTTLS");
    String r = line();
    for (int i = 0; r.startsWith("* "); i++) {
      if (i > MAX_LINES) throw new ProtocolException("IMAP STARTTLS reply longer than " + MAX_LINES + " lines");
      r = line();
    }
    if (!r.regionMatches(true, 0, "a002 OK", 0, 7)) {
      throw new TlsSecurityException(TlsSecurityException.Reason.UPGRADE_REFUSED, "IMAP STARTTLS refused: " + r);
    }
  }

  private void pop3() throws IOException {
    String greeting = line();
    if (!greeting.startsWith("+OK")) throw refusal("POP3 greeting", greeting);
    cmd("CAPA");
    String first = line();
    boolean offered = false;
    if (first.startsWith("+OK")) {
      int n = 0;
      for (String l = line(); !l.equals("."); l = line()) {
        if (++n > MAX_LINES) throw new ProtocolException("POP3 CAPA reply longer than " + MAX_LINES + " lines");
        if (l.trim().equalsIgnoreCase("STLS")) offered = true;
      }
    }
    if (!offered) throw notOffered("POP3 server does not advertise STLS");
    cmd("STLS");
    String r = line();
    if (!r.startsWith("+OK")) {
      throw new TlsSecurityException(TlsSecurityException.Reason.UPGRADE_REFUSED, "POP3 STLS refused: " + r);
    }
  }

  private void ftp() throws IOException {
    expect(reply(), "220", "greeting");
    cmd("AUTH TLS");
    expectUpgrade(reply(), "234", "AUTH TLS");
  }

  private void cmd(String command) throws IOException {
    transcript.accept("C: " + command);
    conn.output().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
    conn.output().flush();
  }

  private String line() throws IOException {
    String l = conn.readLine(MAX_LINE);
    transcript.accept("S: " + l);
    return l;
  }

  /** Reads one reply in the SMTP/FTP shape: lines "ccc-text" continued until "ccc text". */
  private List<String> reply() throws IOException {
    List<String> lines = new java.util.ArrayList<>();
    while (true) {
      String l = line();
      lines.add(l);
      if (l.length() < 3 || !l.substring(0, 3).chars().allMatch(Character::isDigit)) {
        throw new ProtocolException("malformed reply: " + l, null, l, null);
      }
      if (l.length() == 3 || l.charAt(3) == ' ') return lines;
      if (lines.size() > MAX_LINES) throw new ProtocolException("reply longer than " + MAX_LINES + " lines");
    }
  }

  private static void expect(List<String> reply, String code, String what) throws ProtocolException {
    String last = reply.get(reply.size() - 1);
    if (!last.startsWith(code)) throw refusal(what, last);
  }

  private static void expectUpgrade(List<String> reply, String code, String what) throws TlsSecurityException {
    String last = reply.get(reply.size() - 1);
    if (!last.startsWith(code)) {
      throw new TlsSecurityException(TlsSecurityException.Reason.UPGRADE_REFUSED,
          what + " refused by the server: " + last);
    }
  }

  private static ProtocolException refusal(String what, String line) {
    String code = line.length() >= 3 ? line.substring(0, Math.min(3, line.length())) : line;
    return new ProtocolException("unexpected " + what + " reply: " + line, code, line, null);
  }

  private static TlsSecurityException notOffered(String message) {
    return new TlsSecurityException(TlsSecurityException.Reason.UPGRADE_NOT_OFFERED,
        message + "; TLS was required, so nothing else is sent in plaintext");
  }
}
