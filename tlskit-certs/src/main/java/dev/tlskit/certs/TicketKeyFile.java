package dev.tlskit.certs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads, writes and rotates a session-ticket key file: the keys a fleet of TLS servers shares so that each resumes
 * the sessions of the others (see {@code TlsServer.Builder.sessionTicketKeys}).
 *
 * <p>The format, version 1: UTF-8 text, one key per line, <b>newest first</b>; the first key encrypts new tickets,
 * every key decrypts. A key is the base64 of 48 bytes: a 16-byte key name (sent in clear in each ticket, to pick the
 * key), a 16-byte AES-128 key and a 16-byte HMAC-SHA256 key, in that order, which is the layout of nginx's
 * ({@code ssl_session_ticket_key}) and HAProxy's ({@code tls-ticket-keys}) 48-byte keys, so {@code openssl rand 48 |
 * base64} makes one. Blank lines and lines starting with {@code #} are ignored; {@link #write} puts a comment header
 * first. 48 bytes and not 80 (AES-256) because the engine that takes these keys, BoringSSL through netty-tcnative,
 * encrypts tickets with AES-128-CBC and HMAC-SHA256 and takes exactly 48 bytes per key; a key of any other length is
 * refused rather than cut. Why text: one line per key is what rotation edits (prepend one, drop the oldest), it
 * survives copying through configuration tools, and a diff shows a rotation.
 *
 * <p>The file is a secret: written with mode 0600 (as every private key file this module writes), replaced in one
 * step so that a polling server never reads half a file, and refused when read if other users may read or write it.
 * Key bytes appear in no message and no {@code toString()}.
 */
public final class TicketKeyFile {
  /** The bytes of one key: name, AES key, HMAC key. */
  public static final int KEY_BYTES = 48;
  private static final int PART = 16;
  private static final String HEADER = """
      # tlskit session-ticket keys, version 1. SECRET: keep mode 0600.
      # One key per line, newest first: the first encrypts new tickets, all decrypt.
      # Each key: base64 of 48 bytes = 16-byte name | 16-byte AES-128 key | 16-byte HMAC-SHA256 key.
      """;
  private static final SecureRandom RANDOM = new SecureRandom();

  private TicketKeyFile() {}

  /** One session-ticket key: its name, AES key and HMAC key. Its {@code toString()} shows the name's start only. */
  public static final class Key {
    private final byte[] bytes;

    private Key(byte[] bytes) {
      this.bytes = bytes;
    }

    /** Returns a new random key. */
    public static Key generate() {
      byte[] b = new byte[KEY_BYTES];
      RANDOM.nextBytes(b);
      return new Key(b);
    }

    /** Returns the 16-byte key name (a copy). */
    public byte[] name() {
      return Arrays.copyOfRange(bytes, 0, PART);
    }

    /** Returns the 16-byte AES-128 key (a copy). */
    public byte[] aesKey() {
      return Arrays.copyOfRange(bytes, PART, 2 * PART);
    }

    /** Returns the 16-byte HMAC-SHA256 key (a copy). */
    public byte[] hmacKey() {
      return Arrays.copyOfRange(bytes, 2 * PART, 3 * PART);
    }

    /** Returns the first 4 bytes of the name in hex; the name is no secret (it travels in clear in every ticket). */
    public String id() {
      return HexFormat.of().formatHex(bytes, 0, 4);
    }

    @Override
    public String toString() {
      return "ticket key " + id() + "... (secrets redacted)";
    }
  }

  /**
   * Reads the keys of {@code file}, newest first.
   *
   * @throws CertificateFileException when the file cannot be read ({@code UNREADABLE}), other users may read or write
   *     it ({@code EXPOSED}), or a line is not a 48-byte key, holds no key at all, or repeats a key name ({@code
   *     WRONG_FORMAT}, naming the line, never its content)
   */
  public static List<Key> read(Path file) throws CertificateFileException {
    byte[] data = FileContents.read(file);
    FileContents.requireOwnerOnly(file, "a session-ticket key file");
    String name = file.toString();
    List<Key> keys = new ArrayList<>();
    Set<String> names = new HashSet<>();
    String[] lines = new String(data, StandardCharsets.UTF_8).split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      byte[] b;
      try {
        b = Base64.getDecoder().decode(line);
      } catch (IllegalArgumentException e) {
        throw CertificateFileException.wrongFormat(name, "a base64 session-ticket key on line " + (i + 1),
            "text that is not base64");
      }
      if (b.length != KEY_BYTES) {
        throw CertificateFileException.wrongFormat(name, "a " + KEY_BYTES + "-byte session-ticket key on line "
            + (i + 1) + " (16-byte name, 16-byte AES-128 key, 16-byte HMAC key)", b.length + " bytes");
      }
      Key key = new Key(b);
      if (!names.add(HexFormat.of().formatHex(key.name()))) {
        throw CertificateFileException.wrongFormat(name, "a new key name on line " + (i + 1),
            "the name of an earlier key (" + key.id() + "...): a ticket could not tell them apart");
      }
      keys.add(key);
    }
    if (keys.isEmpty()) {
      throw CertificateFileException.wrongFormat(name, "at least one session-ticket key (base64, one per line)",
          FileContents.describe(data));
    }
    return List.copyOf(keys);
  }

  /** Writes {@code keys} (newest first) to {@code file}, replacing it in one step, mode 0600. */
  public static void write(Path file, List<Key> keys) throws IOException {
    if (keys.isEmpty()) throw new IllegalArgumentException("no session-ticket keys to write to " + file);
    StringBuilder sb = new StringBuilder(HEADER);
    for (Key k : keys) sb.append(Base64.getEncoder().encodeToString(k.bytes)).append('\n');
    FileContents.writeSecret(file, sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Puts a new random key first in {@code file} (creating it when missing) and keeps at most {@code keep} keys in all,
   * dropping the oldest; returns the keys now in the file, newest first. A ticket stays decryptable for {@code keep -
   * 1} rotations after its key stopped encrypting, so rotate at least every ticket lifetime divided by {@code keep -
   * 1}.
   *
   * @throws CertificateFileException when an existing file cannot be read (as {@link #read})
   */
  public static List<Key> rotate(Path file, int keep) throws IOException {
    if (keep < 1) throw new IllegalArgumentException("keep at least 1 session-ticket key: " + keep);
    List<Key> keys = new ArrayList<>();
    keys.add(Key.generate());
    if (Files.exists(file)) keys.addAll(read(file));
    List<Key> kept = List.copyOf(keys.subList(0, Math.min(keep, keys.size())));
    write(file, kept);
    return kept;
  }
}
