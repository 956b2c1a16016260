package dev.tlskit.internal.ftp;

import dev.tlskit.ftp.FtpEntry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.ftp.FTPClientConfig;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPFileEntryParser;
import org.apache.commons.net.ftp.parser.CompositeFileEntryParser;
import org.apache.commons.net.ftp.parser.MVSFTPEntryParser;
import org.apache.commons.net.ftp.parser.MacOsPeterFTPEntryParser;
import org.apache.commons.net.ftp.parser.NTFTPEntryParser;
import org.apache.commons.net.ftp.parser.NetwareFTPEntryParser;
import org.apache.commons.net.ftp.parser.OS2FTPEntryParser;
import org.apache.commons.net.ftp.parser.OS400FTPEntryParser;
import org.apache.commons.net.ftp.parser.UnixFTPEntryParser;
import org.apache.commons.net.ftp.parser.VMSVersioningFTPEntryParser;

/**
 * Parses {@code LIST} output into {@link FtpEntry} values with Apache Commons Net's entry parsers (Unix {@code ls -l},
 * Windows/IIS DOS style, VMS, MVS, OS/400, OS/2, Netware, MacOS Peter), chosen by the server's {@code SYST} answer.
 * Lines no parser understands are kept raw. Times without a zone are read as UTC (vsftpd's and ProFTPD's default);
 * a year-less Unix date is placed in the last twelve months, as {@code ls} means it.
 *
 * <p>The {@code SYST} text only selects one of the fixed parsers below: it never reaches Commons Net's parser
 * factory, which would load and instantiate a class named by the server. A parser is stateful, so each listing gets
 * a new one.
 */
public final class ListParser {
  /**
   * Longest entry handed to a parser; a longer one is kept raw. Commons Net's regular expressions recurse and
   * backtrack on repeated words (the Unix owner and group columns): a 4 KiB line of them overflows the stack.
   */
  public static final int MAX_ENTRY = 1024;

  private static final DateTimeFormatter MODIFY =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
  /** The type and permission columns of a Unix listing line, which say the permissions are known. */
  private static final Pattern UNIX_MODE = Pattern.compile("([bcdelfmpSs-])[r-][w-][xsStTL-][r-][w-][xsStTL-]"
      + "[r-][w-][xsStTL-]");
  private static final int[] ACCESS = {FTPFile.USER_ACCESS, FTPFile.GROUP_ACCESS, FTPFile.WORLD_ACCESS};
  private static final int[] PERMISSION =
      {FTPFile.READ_PERMISSION, FTPFile.WRITE_PERMISSION, FTPFile.EXECUTE_PERMISSION};

  private final FTPFileEntryParser parser;

  private ListParser(FTPFileEntryParser parser) {
    this.parser = parser;
  }

  /**
   * Returns a parser for one listing from a server whose {@code SYST} reply text (without the code) is {@code
   * system}; null or unrecognised: Unix, then Windows DOS style.
   */
  public static ListParser forSystem(String system) {
    String s = system == null ? "" : system.toUpperCase(Locale.ROOT);
    FTPClientConfig config = new FTPClientConfig();
    config.setServerTimeZoneId("UTC");
    FTPFileEntryParser p;
    // the order of Commons Net's own choice (DefaultFTPFileEntryParserFactory); "L8" alone means Unix, checked last
    if (s.contains("UNIX")) p = new UnixFTPEntryParser(config);
    else if (s.contains("VMS")) p = new VMSVersioningFTPEntryParser(config);
    else if (s.contains("WINDOWS")) p = dosThenUnix(config); // IIS can be switched to Unix style
    else if (s.contains("OS/2")) p = new OS2FTPEntryParser(config);
    else if (s.contains("OS/400") || s.contains("AS/400")) {
      p = new CompositeFileEntryParser(new FTPFileEntryParser[] {
          new OS400FTPEntryParser(config), new UnixFTPEntryParser(config)});
    } else if (s.contains("MVS")) p = new MVSFTPEntryParser();
    else if (s.contains("NETWARE")) p = new NetwareFTPEntryParser(config);
    else if (s.contains("MACOS PETER")) p = new MacOsPeterFTPEntryParser(config);
    else p = new CompositeFileEntryParser(new FTPFileEntryParser[] {
        new UnixFTPEntryParser(config), new NTFTPEntryParser(config)});
    return new ListParser(p);
  }

  private static FTPFileEntryParser dosThenUnix(FTPClientConfig config) {
    return new CompositeFileEntryParser(new FTPFileEntryParser[] {
        new NTFTPEntryParser(config), new UnixFTPEntryParser(config)});
  }

  /** Parses a whole listing: one entry per listed file, in order; summary lines such as {@code total 8} dropped. */
  public List<FtpEntry> parse(String listing) {
    List<String> lines = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new StringReader(listing))) {
      for (String e = parser.readNextEntry(in); e != null; e = parser.readNextEntry(in)) {
        if (!e.isBlank()) lines.add(e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringReader does not fail
    }
    List<String> kept = new ArrayList<>(lines);
    try {
      kept = parser.preParse(kept); // drops headers and summaries, VMS's older versions; MVS learns the format
    } catch (RuntimeException e) {
      kept = lines; // a parser's failure on hostile input: every line is parsed or kept raw below
    }
    List<FtpEntry> out = new ArrayList<>(kept.size());
    for (String line : kept) out.add(entry(line));
    return out;
  }

  private FtpEntry entry(String line) {
    FTPFile f = null;
    if (line.length() <= MAX_ENTRY) {
      try {
        f = parser.parseFTPEntry(line);
      } catch (RuntimeException | StackOverflowError e) {
        f = null; // Commons Net on input it did not expect, or a regex too deep for this thread: keep the line raw
      }
    }
    if (f == null || !f.isValid() || f.getName() == null || f.getName().isEmpty()) {
      return new FtpEntry("", "", Map.of(), "", line);
    }
    String type = switch (f.getType()) {
      case FTPFile.FILE_TYPE -> "file";
      case FTPFile.DIRECTORY_TYPE -> "dir";
      case FTPFile.SYMBOLIC_LINK_TYPE -> "os.unix=symlink";
      default -> "";
    };
    Map<String, String> facts = new LinkedHashMap<>();
    Matcher unix = UNIX_MODE.matcher(line);
    if (unix.lookingAt()) {
      switch (line.charAt(0)) {
        case 'b' -> type = "os.unix=blockdev";
        case 'c' -> type = "os.unix=chardev";
        case 'p' -> type = "os.unix=fifo";
        case 's' -> type = "os.unix=socket";
        default -> { }
      }
      facts.put("unix.mode", mode(f));
      putIfPresent(facts, "unix.ownername", f.getUser());
      putIfPresent(facts, "unix.groupname", f.getGroup());
    }
    if (!type.isEmpty()) facts.put("type", type);
    if (f.getSize() >= 0) facts.put("size", Long.toString(f.getSize())); // a device's "8, 1" is no size
    Instant t = f.getTimestampInstant();
    if (t != null && t.getEpochSecond() >= 0 && t.atOffset(ZoneOffset.UTC).getYear() <= 9999) {
      facts.put("modify", MODIFY.format(t));
    }
    String link = f.isSymbolicLink() && f.getLink() != null ? f.getLink() : "";
    return new FtpEntry(f.getName(), type, facts, link, line);
  }

  private static String mode(FTPFile f) {
    int mode = 0;
    for (int a : ACCESS) {
      for (int p : PERMISSION) {
        mode = (mode << 1) | (f.hasPermission(a, p) ? 1 : 0);
      }
    }
    return String.format(Locale.ROOT, "%04o", mode);
  }

  private static void putIfPresent(Map<String, String> facts, String fact, String value) {
    if (value != null && !value.isEmpty()) facts.put(fact, value);
  }
}
