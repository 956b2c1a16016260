package dev.tlskit.imap;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Converts mailbox names to and from IMAP's modified UTF-7 (RFC 3501 section 5.1.3). */
final class MailboxNames {
  private static final Base64.Encoder ENC = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder DEC = Base64.getDecoder();

  private MailboxNames() {}

  static String encode(String name) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < name.length()) {
      char c = name.charAt(i);
      if (c == '&') {
        sb.append("&-");
        i++;
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append(c);
        i++;
      } else {
        int start = i;
        while (i < name.length() && (name.charAt(i) < 0x20 || name.charAt(i) >= 0x7f)) i++;
        byte[] utf16 = name.substring(start, i).getBytes(StandardCharsets.UTF_16BE);
        sb.append('&').append(ENC.encodeToString(utf16).replace('/', ',')).append('-');
      }
    }
    return sb.toString();
  }

  static String decode(String name) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < name.length()) {
      char c = name.charAt(i);
      int end = c == '&' ? name.indexOf('-', i) : -1;
      if (end < 0) {
        sb.append(c);
        i++;
      } else if (end == i + 1) {
        sb.append('&');
        i = end + 1;
      } else {
        try {
          byte[] utf16 = DEC.decode(name.substring(i + 1, end).replace(',', '/'));
          sb.append(StandardCharsets.UTF_16BE.decode(ByteBuffer.wrap(utf16)));
        } catch (IllegalArgumentException e) {
          sb.append(name, i, end + 1); // not valid modified UTF-7: show it as it came
        }
        i = end + 1;
      }
    }
    return sb.toString();
  }
}
