package dev.tlskit.ftp;

import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One directory entry: from MLSD or MLST (RFC 3659 section 7), or from a parsed {@code LIST} line, described with
 * the same facts. Names, facts and lines come from the server and are untrusted.
 *
 * <p>A {@code LIST} line ({@link FtpSession#listEntries}) gives the facts {@code size}, {@code modify} (UTC,
 * as in MLSx; as precise as the listing: to the minute or the day), and, in Unix listings, {@code unix.mode}
 * (octal permission bits, as ProFTPD's MLSD), {@code unix.ownername} and {@code unix.groupname}. Its type is
 * {@code file}, {@code dir}, {@code os.unix=symlink}, {@code os.unix=blockdev}, {@code os.unix=chardev},
 * {@code os.unix=fifo}, {@code os.unix=socket}, or empty when the listing did not say. A line no parser understood
 * is kept as an entry with an empty name ({@link #isParsed()} false) and the line in {@link #raw()}.
 *
 * @param name the entry's name (MLSD, LIST) or path (MLST), exactly as sent; empty when the line was not understood
 * @param type the {@code type} fact, lower case: {@code file}, {@code dir}, {@code cdir}, {@code pdir}, or another
 *     value the server chose (such as {@code os.unix=symlink}); empty when absent
 * @param facts all facts, names in lower case
 * @param linkTarget where a symbolic link points, as the server wrote it; empty when not a link or not given
 * @param raw the line as the server sent it
 */
public record FtpEntry(String name, String type, Map<String, String> facts, String linkTarget, String raw) {
  public FtpEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    facts = Map.copyOf(facts);
    Objects.requireNonNull(linkTarget, "linkTarget");
    Objects.requireNonNull(raw, "raw");
  }

  /** Creates an entry without a link target or raw line (both empty). */
  public FtpEntry(String name, String type, Map<String, String> facts) {
    this(name, type, facts, "", "");
  }

  /** Returns false for a listing line that no parser understood: then only {@link #raw()} is set. */
  public boolean isParsed() {
    return !name.isEmpty();
  }

  /** Returns true for a plain file. */
  public boolean isFile() {
    return type.equals("file");
  }

  /** Returns true for a directory, including the listed directory itself and its parent. */
  public boolean isDirectory() {
    return type.equals("dir") || type.equals("cdir") || type.equals("pdir");
  }

  /** Returns true for a symbolic link ({@code os.unix=symlink}, or ProFTPD's {@code os.unix=slink:TARGET}). */
  public boolean isSymbolicLink() {
    return type.equals("os.unix=symlink") || type.startsWith("os.unix=slink");
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

  /**
   * Returns the owner, group and other read/write/execute permissions from the {@code unix.mode} fact (octal, as
   * ProFTPD and pure-ftpd send in MLSD and as a parsed Unix {@code LIST} line gives); empty when unknown.
   */
  public Optional<Set<PosixFilePermission>> permissions() {
    String s = facts.get("unix.mode");
    if (s == null || s.isEmpty() || s.length() > 7) return Optional.empty();
    int mode;
    try {
      mode = Integer.parseInt(s, 8);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (mode < 0) return Optional.empty();
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE, high bit first
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << (bits.length - 1 - i))) != 0) out.add(bits[i]);
    }
    return Optional.of(out);
  }
}
