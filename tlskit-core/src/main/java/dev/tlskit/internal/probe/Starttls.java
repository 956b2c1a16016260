package dev.tlskit.internal.probe;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The plaintext preamble of an explicit-TLS protocol, as a probe needs it: read the greeting, list the capabilities,
 * ask for the upgrade, and (over TLS) list the capabilities again. Reads one byte at a time from the socket so that
 * nothing the server sent is buffered when the TLS bytes start; lines are bounded in length and number.
 */
public enum Starttls {
  SMTP {
    @Override
    List<String> greet(Lines io) throws IOException {
      io.reply("220", "greeting");
      return capabilities(io);
    }

    @Override
    List<String> capabilities(Lines io) throws IOException {
      io.send("EHLO tlskit-probe");
      List<String> lines = io.reply("250", "EHLO");
      return lines.subList(Math.min(1, lines.size()), lines.size()); // the first line is the server's name
    }

    @Override
    boolean offered(List<String> capabilities) {
      return capabilities.stream().anyMatch(c -> c.equalsIgnoreCase("STARTTLS"));
    }

    @Override
    void upgrade(Lines io) throws IOException {
      io.send("STARTTLS");
      io.reply("220", "STARTTLS");
    }
  },
  IMAP {
    @Override
    List<String> greet(Lines io) throws IOException {
      String g = io.line();
      if (!g.startsWith("* OK")) throw new StarttlsException("IMAP greeting is not '* OK': " + g);
      return capabilities(io);
    }

    @Override
    List<String> capabilities(Lines io) throws IOException {
      io.send("c CAPABILITY");
      List<String> caps = new ArrayList<>();
      for (String l = io.line(); !l.startsWith("c "); l = io.line()) {
        if (l.toUpperCase(Locale.ROOT).startsWith("* CAPABILITY ")) {
          caps.addAll(List.of(l.substring("* CAPABILITY ".length()).trim().split(" +")));
        }
        io.count();
      }
      return caps;
    }

    @Override
    boolean offered(List<String> capabilities) {
      return capabilities.stream().anyMatch(c -> c.equalsIgnoreCase("STARTTLS"));
    }

    @Override
    void upgrade(Lines io) throws IOException {
      io.send("s STARTTLS");
      String l;
      while ((l = io.line()).startsWith("* ")) io.count();
      if (!l.toUpperCase(Locale.ROOT).startsWith("S OK")) throw new StarttlsException("STARTTLS refused: " + l);
    }
  },
  POP3 {
    @Override
    List<String> greet(Lines io) throws IOException {
      String g = io.line();
      if (!g.startsWith("+OK")) throw new StarttlsException("POP3 greeting is not '+OK': " + g);
      return capabilities(io);
    }

    @Override
    List<String> capabilities(Lines io) throws IOException {
      io.send("CAPA");
      String first = io.line();
      if (!first.startsWith("+OK")) return List.of(); // CAPA unsupported: STLS may still work, but is not offered
      List<String> caps = new ArrayList<>();
      for (String l = io.line(); !l.equals("."); l = io.line()) {
        caps.add(l);
        io.count();
      }
      return caps;
    }

    @Override
    boolean offered(List<String> capabilities) {
      return capabilities.stream().anyMatch(c -> c.equalsIgnoreCase("STLS"));
    }

    @Override
    void upgrade(Lines io) throws IOException {
      io.send("STLS");
      String l = io.line();
      if (!l.startsWith("+OK")) throw new StarttlsException("STLS refused: " + l);
    }
  },
  FTP {
    @Override
    List<String> greet(Lines io) throws IOException {
      io.reply("220", "greeting");
      return capabilities(io);
    }

    @Override
    List<String> capabilities(Lines io) throws IOException {
      io.send("FEAT");
      String first = io.line();
      if (!first.startsWith("211-")) return List.of(); // FEAT unsupported or empty
      List<String> caps = new ArrayList<>();
      for (String l = io.line(); !l.startsWith("211 "); l = io.line()) {
        caps.add(l.trim());
        io.count();
      }
      return caps;
    }

    @Override
    boolean offered(List<String> capabilities) {
      return capabilities.stream().anyMatch(c -> c.toUpperCase(Locale.ROOT).startsWith("AUTH")
          && c.toUpperCase(Locale.ROOT).contains("TLS"));
    }

    @Override
    void upgrade(Lines io) throws IOException {
      io.send("AUTH TLS");
      io.reply("234", "AUTH TLS");
    }
  };

  /** Reads the greeting and returns the capabilities offered before TLS. */
  abstract List<String> greet(Lines io) throws IOException;

  /** Asks for and returns the capabilities (used again after the upgrade, over TLS). */
  abstract List<String> capabilities(Lines io) throws IOException;

  /** Returns true when the capabilities offer the upgrade. */
  abstract boolean offered(List<String> capabilities);

  /** Asks for the upgrade; returns when the server agreed. */
  abstract void upgrade(Lines io) throws IOException;

  /** Returns the protocol for a command-line name ("smtp"), or throws naming the choices. */
  public static Starttls parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--starttls must be smtp, imap, pop3 or ftp: " + name, e);
    }
  }

  /** The server did not offer or refused the upgrade, or broke the protocol before it. */
  public static final class StarttlsException extends IOException {
    private static final long serialVersionUID = 1L;

    StarttlsException(String message) {
      super(message);
    }
  }

  /** Unbuffered, bounded CRLF line I/O over a socket's streams. */
  static final class Lines {
    static final int MAX_LINE = 8192;
    static final int MAX_LINES = 500;
    private final InputStream in;
    private final OutputStream out;
    private int lines;

    Lines(InputStream in, OutputStream out) {
      this.in = in;
      this.out = out;
    }

    void send(String command) throws IOException {
      out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        int c = in.read();
        if (c < 0) throw new EOFException("server closed the connection during the STARTTLS preamble");
        if (c == '\n') break;
        if (b.size() >= MAX_LINE) throw new StarttlsException("server line longer than " + MAX_LINE + " bytes");
        b.write(c);
      }
      String s = b.toString(StandardCharsets.UTF_8);
      return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    void count() throws StarttlsException {
      if (++lines > MAX_LINES) throw new StarttlsException("server sent more than " + MAX_LINES + " lines");
    }

    /** Reads a multi-line reply with a 3-digit code ("250-a", "250 b"); returns the texts after the codes. */
    List<String> reply(String expected, String what) throws IOException {
      List<String> texts = new ArrayList<>();
      while (true) {
        String l = line();
        count();
        if (l.length() < 3) throw new StarttlsException("malformed reply: " + l);
        if (!l.startsWith(expected)) throw new StarttlsException(what + " refused: " + l);
        texts.add(l.length() > 4 ? l.substring(4) : "");
        if (l.length() == 3 || l.charAt(3) == ' ') return texts;
      }
    }
  }
}
