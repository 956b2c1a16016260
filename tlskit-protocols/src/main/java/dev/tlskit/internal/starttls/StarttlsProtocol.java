package dev.tlskit.internal.starttls;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What differs between the explicit-TLS protocols: the upgrade command, the reply that agrees to it, the capability
 * that offers it, the port. {@link Starttls} runs the one upgrade for all of them; the mail and FTP clients speak
 * their own commands around it. For {@code tlskit connect --starttls} and {@code tlskit probe --starttls}, each
 * constant also speaks the plaintext preamble up to the TLS switch over {@link PreambleLines}: greeting, capability
 * list, upgrade command.
 *
 * <p>Rules (those of {@link Starttls}): the upgrade is required (not listed -> {@link
 * TlsSecurityException.Reason#UPGRADE_NOT_OFFERED}, and the upgrade command is then never sent; refused or malformed
 * -> {@link TlsSecurityException.Reason#UPGRADE_REFUSED}; IMAP PREAUTH -> {@link
 * TlsSecurityException.Reason#PREAUTH_REFUSED}); any byte after the agreement is an injection ({@link
 * TlsSecurityException.Reason#INJECTION_DETECTED}); lines are bounded in length and number by {@link PreambleLines};
 * a malformed reply before the upgrade is a {@link ProtocolException}. Everything learnt before TLS is the attacker's
 * to forge: a caller that needs the capabilities asks again with {@link #capabilities} over TLS.
 */
public enum StarttlsProtocol {
  /** SMTP (RFC 3207): 220 greeting, EHLO, STARTTLS, 220. */
  SMTP("STARTTLS", "220", 465, 25, 587) {
    @Override
    public List<String> capabilities(PreambleLines io) throws IOException {
      io.send("EHLO tlskit.invalid");
      return expect(io, "250", "EHLO reply").textsAfterFirst(); // the first line names the server
    }

    @Override
    Starttls.Answer requestUpgrade(PreambleLines io) throws IOException {
      io.send("STARTTLS");
      return reply(io).answer();
    }
  },

  /** IMAP (RFC 3501 section 6.2.1): "* OK" greeting, CAPABILITY, STARTTLS, tagged OK. */
  IMAP("STARTTLS", "OK", 993, 143) {
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
      String tag = ImapTags.next();
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
    Starttls.Answer requestUpgrade(PreambleLines io) throws IOException {
      String tag = ImapTags.next();
      io.send(tag + " STARTTLS");
      String reply = io.line();
      while (reply.startsWith("* ")) reply = io.line(); // untagged data; the line budget bounds this
      String[] words = reply.split(" ", 3);
      if (!words[0].equals(tag) || words.length < 2) throw unexpected("STARTTLS reply", reply, null);
      return new Starttls.Answer(words[1].toUpperCase(Locale.ROOT), reply);
    }
  },

  /** POP3 (RFC 2595 section 4): "+OK" greeting, CAPA, STLS, "+OK". */
  POP3("STLS", "+OK", 995, 110) {
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
    Starttls.Answer requestUpgrade(PreambleLines io) throws IOException {
      io.send("STLS");
      String reply = io.line();
      return new Starttls.Answer(reply.startsWith("+OK") ? "+OK" : "-ERR", reply);
    }
  },

  /** FTP (RFC 4217): 220 greeting, FEAT, AUTH TLS, 234. */
  FTP("AUTH TLS", "234", 990, 21) {
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
    Starttls.Answer requestUpgrade(PreambleLines io) throws IOException {
      io.send("AUTH TLS");
      return reply(io).answer();
    }

    /**
     * Returns true for 500, 502 and 504 (command unknown, not implemented, parameter not implemented): with no
     * capability list to consult first, that is how an FTP server says it lacks AUTH TLS.
     */
    @Override
    boolean saysNotOffered(String status) {
      return status.equals("500") || status.equals("502") || status.equals("504");
    }
  };

  private final String upgradeCommand;
  private final String agreement;
  private final int implicitPort;
  private final int[] plaintextPorts;

  StarttlsProtocol(String upgradeCommand, String agreement, int implicitPort, int... plaintextPorts) {
    this.upgradeCommand = upgradeCommand;
    this.agreement = agreement;
    this.implicitPort = implicitPort;
    this.plaintextPorts = plaintextPorts;
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

  /** Sends the upgrade command and reads exactly its answer (the {@link Starttls.Exchange} of the preamble). */
  abstract Starttls.Answer requestUpgrade(PreambleLines io) throws IOException;

  /**
   * Runs the whole preamble for a client that requires TLS and switches the connection to TLS through {@link
   * Starttls#upgrade}: greets, requires the upgrade to be offered, requests it. Returns the capabilities listed
   * before TLS (for display only); ask again with {@link #capabilities} over TLS.
   *
   * @throws TlsSecurityException UPGRADE_NOT_OFFERED (and then the upgrade command is never sent), UPGRADE_REFUSED,
   *     PREAUTH_REFUSED, INJECTION_DETECTED or a handshake failure
   * @throws ProtocolException when the server breaks the protocol before the upgrade
   */
  public List<String> startTls(PreambleLines io) throws IOException {
    List<String> before = offered(io);
    Starttls.upgrade(io.connection(), this, TlsMode.STARTTLS, () -> requestUpgrade(io));
    return before;
  }

  /**
   * Runs the same preamble as {@link #startTls}, but ends with {@link Starttls#handOver}: the caller gets the
   * plaintext socket, checked for injected bytes, and runs its own handshake on it (the probe's ClientHellos).
   * Returns the capabilities listed before TLS; the socket is {@code io}'s connection's.
   */
  public List<String> startOwnHandshake(PreambleLines io) throws IOException {
    List<String> before = offered(io);
    Starttls.handOver(io.connection(), this, () -> requestUpgrade(io));
    return before;
  }

  /** Greets and returns the capabilities when they offer the upgrade; throws UPGRADE_NOT_OFFERED otherwise. */
  private List<String> offered(PreambleLines io) throws IOException {
    List<String> before = greet(io);
    Starttls.upgradeWanted(io.connection(), this, TlsMode.STARTTLS, offers(before));
    return before;
  }

  /** Returns the status of the answer that agrees to the upgrade ("220", "OK", "+OK", "234"). */
  String agreement() {
    return agreement;
  }

  /**
   * Returns true when a refusal with this status means the server lacks the upgrade rather than refuses it now: only
   * FTP says so in the reply.
   */
  boolean saysNotOffered(String status) {
    return false;
  }

  /** Returns the upgrade command, which is also the capability that offers it ("STARTTLS", "STLS", "AUTH TLS"). */
  public String upgradeCommand() {
    return upgradeCommand;
  }

  /** Returns the protocol's well-known plaintext port (25, 143, 110, 21). */
  public int defaultPort() {
    return plaintextPorts[0];
  }

  /** Returns the protocol's well-known implicit-TLS port (465, 993, 995, 990). */
  public int implicitPort() {
    return implicitPort;
  }

  /** Returns true for a well-known port where the protocol greets in plaintext (25 and 587, 143, 110, 21). */
  public boolean isPlaintextPort(int port) {
    for (int p : plaintextPorts) {
      if (p == port) return true;
    }
    return false;
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

  ProtocolException unexpected(String what, String line, String code) {
    return new ProtocolException("unexpected " + this + " " + what + ": " + line, code, line, null);
  }
}
