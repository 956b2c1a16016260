package dev.tlskit.internal.starttls;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsSecurityException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Speaks the plaintext preamble of an explicit-TLS protocol up to the TLS switch: greeting, capability list, upgrade
 * command (STARTTLS, STLS, AUTH TLS). The one preamble behind {@code tlskit connect --starttls} and {@code tlskit
 * probe --starttls}.
 *
 * <p>Rules: the upgrade is required ({@link #negotiate}: not listed -> {@link
 * TlsSecurityException.Reason#UPGRADE_NOT_OFFERED}, and the upgrade command is then never sent; refused -> {@link
 * TlsSecurityException.Reason#UPGRADE_REFUSED}; IMAP PREAUTH -> {@link TlsSecurityException.Reason#PREAUTH_REFUSED});
 * any byte after the upgrade reply is an injection ({@link TlsSecurityException.Reason#INJECTION_DETECTED}); lines
 * are bounded in length and number by {@link PreambleLines}; a malformed reply is a {@link ProtocolException}. Everything learnt before TLS is the attacker's to forge: a caller that needs the
 * capabilities asks again with {@link #capabilities} over TLS.
 */
public enum StarttlsProtocol {
  /** SMTP (RFC 3207): 220 greeting, EHLO, STARTTLS, 220. */
  SMTP("STARTTLS", 25) {
    @Override
    public List<String> capabilities(PreambleLines io) throws IOException {
      io.send("EHLO tlskit.invalid");
      return expect(io, "250", "EHLO reply").textsAfterFirst(); // the first line names the server
    }

    @Override
    void upgrade(PreambleLines io) throws IOException {
      io.send("STARTTLS");
      CodeReply reply = reply(io);
      if (!reply.is("220")) throw refused(reply);
    }
  },

  /** IMAP (RFC 3501 section 6.2.1): "* OK" greeting, CAPABILITY, STARTTLS, tagged OK. */
  IMAP("STARTTLS", 143) {
    @Override
    void greeting(PreambleLines io) throws IOException {
      String greeting = io.line();
      if (greeting.regionMatches(true, 0, "* PREAUTH", 0, 9)) {
        throw new TlsSecurityException(TlsSecurityException.Reason.PREAUTH_REFUSED,
            "IMAP server sent PREAUTH (already authenticated) before TLS: refusing to continue in plaintext");
      }
      // A "[CAPABILITY ...]" code in the greeting is not used: CAPABILITY is asked every time.
      if (!greeting.regionMatches(true, 0, "* OK", 0, 4)) throw unexpected("greeting", greeting, null);
    }

    @Override
    public List<String> capabilities(PreambleLines io) throws IOException {
      String tag = io.nextTag();
      io.send(tag + " CAPABILITY");
      List<String> capabilities = new ArrayList<>();
      for (String l = io.line(); !l.startsWith(tag + " "); l = io.line()) {
        if (!l.startsWith("* ")) throw unexpected("CAPABILITY reply", l, null);
        if (l.regionMatches(true, 0, "* CAPABILITY ", 0, 13)) {
          capabilities.addAll(List.of(l.substring(13).trim().split(" +")));
        }
      }
      return capabilities;
    }

    @Override
    void upgrade(PreambleLines io) throws IOException {
      String tag = io.nextTag();
      io.send(tag + " STARTTLS");
      String reply = io.line();
      while (reply.startsWith("* ")) reply = io.line(); // untagged data; the line budget bounds this
      if (!reply.regionMatches(true, 0, tag + " OK", 0, tag.length() + 3)) throw refused(reply);
    }
  },

  /** POP3 (RFC 2595 section 4): "+OK" greeting, CAPA, STLS, "+OK". */
  POP3("STLS", 110) {
    @Override
    void greeting(PreambleLines io) throws IOException {
      String greeting = io.line();
      if (!greeting.startsWith("+OK")) throw unexpected("greeting", greeting, null);
    }

    @Override
    public List<String> capabilities(PreambleLines io) throws IOException {
      io.send("CAPA");
      if (!io.line().startsWith("+OK")) return List.of(); // no CAPA: STLS, which CAPA must list, is not offered
      List<String> capabilities = new ArrayList<>();
      for (String l = io.line(); !l.equals("."); l = io.line()) {
        capabilities.add((l.startsWith("..") ? l.substring(1) : l).trim());
      }
      return capabilities;
    }

    @Override
    void upgrade(PreambleLines io) throws IOException {
      io.send("STLS");
      String reply = io.line();
      if (!reply.startsWith("+OK")) throw refused(reply);
    }
  },

  /** FTP (RFC 4217): 220 greeting, FEAT, AUTH TLS, 234. */
  FTP("AUTH TLS", 21) {
    @Override
    public List<String> capabilities(PreambleLines io) throws IOException {
      io.send("FEAT");
      CodeReply feat = reply(io);
      return feat.is("211") ? feat.between() : List.of(); // no FEAT (RFC 2389 is optional): nothing listed
    }

    /**
     * Returns true when FEAT lists AUTH with TLS, or lists nothing at all: FEAT is optional, and a server that lists
     * no features has not said it lacks AUTH TLS, so the AUTH TLS reply decides (a refusal is still an error).
     */
    @Override
    public boolean offers(List<String> capabilities) {
      return capabilities.isEmpty() || capabilities.stream().map(c -> c.toUpperCase(Locale.ROOT))
          .anyMatch(c -> c.startsWith("AUTH") && c.contains("TLS"));
    }

    @Override
    void upgrade(PreambleLines io) throws IOException {
      io.send("AUTH TLS");
      CodeReply reply = reply(io);
      if (!reply.is("234")) throw refused(reply);
    }
  };

  private final String upgradeCommand;
  private final int defaultPort;

  StarttlsProtocol(String upgradeCommand, int defaultPort) {
    this.upgradeCommand = upgradeCommand;
    this.defaultPort = defaultPort;
  }

  /** Reads the greeting and requires it to be a welcome: "220" for SMTP and FTP, overridden by IMAP and POP3. */
  void greeting(PreambleLines io) throws IOException {
    expect(io, "220", "greeting");
  }

  /** Reads the greeting, then asks for and returns the capabilities listed before TLS. */
  public List<String> greet(PreambleLines io) throws IOException {
    greeting(io);
    return capabilities(io);
  }

  /** Asks for and returns the capabilities; over TLS, these are the ones to believe. */
  public abstract List<String> capabilities(PreambleLines io) throws IOException;

  /** Returns true when {@code capabilities} offer the upgrade: list its command ("STARTTLS", "STLS"), any case. */
  public boolean offers(List<String> capabilities) {
    return capabilities.stream().anyMatch(c -> c.equalsIgnoreCase(upgradeCommand));
  }

  /** Sends the upgrade command and returns when the server agreed; throws UPGRADE_REFUSED otherwise. */
  abstract void upgrade(PreambleLines io) throws IOException;

  /**
   * Sends the upgrade command, requires the server's agreement, and refuses any byte that came after it; the caller
   * starts TLS next on the same connection. Any answer but agreement is a refusal, a malformed one included (a TLS
   * alert instead of a reply, say), as in the mail clients.
   *
   * @throws TlsSecurityException UPGRADE_REFUSED or INJECTION_DETECTED
   */
  public void requestUpgrade(PreambleLines io) throws IOException {
    try {
      upgrade(io);
    } catch (ProtocolException e) {
      throw new TlsSecurityException(TlsSecurityException.Reason.UPGRADE_REFUSED,
          this + " " + upgradeCommand + " answered with a malformed reply: " + e.getMessage(), null, e);
    }
    io.refusePendingPlaintext(upgradeCommand);
  }

  /**
   * Runs the whole preamble for a client that requires TLS: greets, requires the upgrade to be offered, requests it.
   * Returns the capabilities listed before TLS (for display only); the caller starts TLS next.
   *
   * @throws TlsSecurityException UPGRADE_NOT_OFFERED (and then the upgrade command is never sent), UPGRADE_REFUSED,
   *     PREAUTH_REFUSED or INJECTION_DETECTED
   * @throws ProtocolException when the server breaks the protocol before the upgrade
   */
  public List<String> negotiate(PreambleLines io) throws IOException {
    List<String> before = greet(io);
    if (!offers(before)) {
      throw new TlsSecurityException(TlsSecurityException.Reason.UPGRADE_NOT_OFFERED,
          this + " server does not advertise " + upgradeCommand
              + "; TLS was required, so nothing else is sent in plaintext");
    }
    requestUpgrade(io);
    return before;
  }

  /** Returns the upgrade command, which is also the capability that offers it ("STARTTLS", "STLS", "AUTH TLS"). */
  public String upgradeCommand() {
    return upgradeCommand;
  }

  /** Returns the protocol's well-known plaintext port (25, 143, 110, 21). */
  public int defaultPort() {
    return defaultPort;
  }

  /**
   * Returns the protocol for a command-line name ("smtp", any case).
   *
   * @throws IllegalArgumentException naming the choices
   */
  public static StarttlsProtocol parse(String name) {
    for (StarttlsProtocol p : values()) {
      if (p.name().equalsIgnoreCase(name)) return p;
    }
    throw new IllegalArgumentException("--starttls must be smtp, imap, pop3 or ftp: " + name);
  }

  /** Reads one SMTP- or FTP-shaped reply (SMTP repeats the code on every line, FTP need not). */
  CodeReply reply(PreambleLines io) throws IOException {
    return CodeReply.read(io, this == SMTP);
  }

  /** Reads one reply and requires {@code code}; a ProtocolException naming {@code what} otherwise. */
  CodeReply expect(PreambleLines io, String code, String what) throws IOException {
    CodeReply r = reply(io);
    if (!r.is(code)) throw unexpected(what, r.last(), r.code());
    return r;
  }

  TlsSecurityException refused(String reply) {
    return new TlsSecurityException(TlsSecurityException.Reason.UPGRADE_REFUSED,
        this + " " + upgradeCommand + " refused by the server: " + reply);
  }

  /**
   * Returns UPGRADE_REFUSED for an SMTP/FTP reply, with the reply (code and text) as a {@link ProtocolException}
   * cause, so that a caller can tell a temporary refusal ("454 TLS not available", "421") from a permanent one.
   */
  TlsSecurityException refused(CodeReply reply) {
    String message = this + " " + upgradeCommand + " refused by the server: " + reply.last();
    return new TlsSecurityException(TlsSecurityException.Reason.UPGRADE_REFUSED, message, null,
        new ProtocolException(message, reply.code(), reply.last(), null));
  }

  ProtocolException unexpected(String what, String line, String code) {
    return new ProtocolException("unexpected " + this + " " + what + ": " + line, code, line, null);
  }
}
