package dev.tlskit.internal.ftp;

import dev.tlskit.ProtocolException;
import dev.tlskit.ftp.FtpEntry;
import dev.tlskit.internal.io.PeerText;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Parses one MLSD line or MLST entry line (RFC 3659 section 7.2): {@code fact=value;fact=value; name}. */
public final class MlsxParser {
  private static final String SLINK = "os.unix=slink:";

  private MlsxParser() {}

  /**
   * Parses an entry. A leading space (as in the body of an MLST reply) is skipped.
   *
   * @throws ProtocolException when the line has no space separating facts and name, or a fact without {@code =}
   */
  public static FtpEntry parse(String line) throws ProtocolException {
    String s = line.startsWith(" ") ? line.substring(1) : line;
    int sp = s.indexOf(' ');
    if (sp < 0 || sp == s.length() - 1) throw bad(line);
    String factPart = s.substring(0, sp);
    String name = s.substring(sp + 1);
    Map<String, String> facts = new LinkedHashMap<>();
    for (String fact : factPart.split(";")) {
      if (fact.isEmpty()) continue;
      int eq = fact.indexOf('=');
      if (eq <= 0) throw bad(line);
      facts.put(fact.substring(0, eq).toLowerCase(Locale.ROOT), fact.substring(eq + 1));
    }
    String type = facts.getOrDefault("type", "");
    // ProFTPD names a link's target in the type: "type=OS.unix=slink:/target"
    String link = type.regionMatches(true, 0, SLINK, 0, SLINK.length()) ? type.substring(SLINK.length()) : "";
    return new FtpEntry(name, type.toLowerCase(Locale.ROOT), facts, link, line);
  }

  private static ProtocolException bad(String line) {
    return new ProtocolException("malformed MLSx entry: " + PeerText.quote(line));
  }
}
