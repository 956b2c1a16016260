package dev.tlskit.ftp;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Parses the {@code YYYYMMDDHHMMSS[.sss]} UTC time values of MDTM and the MLSx {@code modify} fact (RFC 3659). */
final class FtpTime {
  private FtpTime() {}

  static Instant parseOrNull(String s) {
    if (s.length() < 14) return null;
    for (int i = 0; i < 14; i++) {
      if (!Character.isDigit(s.charAt(i))) return null;
    }
    try {
      LocalDateTime t = LocalDateTime.of(Integer.parseInt(s.substring(0, 4)), Integer.parseInt(s.substring(4, 6)),
          Integer.parseInt(s.substring(6, 8)), Integer.parseInt(s.substring(8, 10)),
          Integer.parseInt(s.substring(10, 12)), Integer.parseInt(s.substring(12, 14)));
      long nanos = 0;
      if (s.length() > 15 && s.charAt(14) == '.') {
        String frac = s.substring(15, Math.min(s.length(), 24));
        if (!frac.chars().allMatch(Character::isDigit)) return null;
        nanos = Long.parseLong((frac + "000000000").substring(0, 9));
      }
      return t.toInstant(ZoneOffset.UTC).plusNanos(nanos);
    } catch (NumberFormatException | java.time.DateTimeException e) {
      return null;
    }
  }
}
