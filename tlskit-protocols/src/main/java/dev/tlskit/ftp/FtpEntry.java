package dev.tlskit.ftp;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One directory entry from MLSD or MLST (RFC 3659 section 7): its name and the facts the server gave. Names and
 * facts come from the server and are untrusted.
 *
 * @param name the entry's name (MLSD) or path (MLST), exactly as sent
 * @param type the {@code type} fact, lower case: {@code file}, {@code dir}, {@code cdir}, {@code pdir}, or another
 *     value the server chose; empty when absent
 * @param facts all facts, names in lower case
 */
public record FtpEntry(String name, String type, Map<String, String> facts) {
  public FtpEntry {
    facts = Map.copyOf(facts);
  }

  /** Returns true for a plain file. */
  public boolean isFile() {
    return type.equals("file");
  }

  /** Returns true for a directory, including the listed directory itself and its parent. */
  public boolean isDirectory() {
    return type.equals("dir") || type.equals("cdir") || type.equals("pdir");
  }

  /** Returns the {@code size} fact. */
  public OptionalLong size() {
    String s = facts.get("size");
    if (s == null) return OptionalLong.empty();
    try {
      return OptionalLong.of(Long.parseLong(s));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Returns the {@code modify} fact as an instant (the fact is in UTC). */
  public Optional<Instant> modified() {
    String s = facts.get("modify");
    return s == null ? Optional.empty() : Optional.ofNullable(FtpTime.parseOrNull(s));
  }
}
