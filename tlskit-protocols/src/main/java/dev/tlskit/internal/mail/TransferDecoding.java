package dev.tlskit.internal.mail;

import dev.tlskit.ProtocolException;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;

/** Undoes a MIME Content-Transfer-Encoding (RFC 2045) while copying a stream, never holding it whole. */
public final class TransferDecoding {
  private TransferDecoding() {}

  /**
   * Copies {@code in} to {@code out}, decoding BASE64 or QUOTED-PRINTABLE (case-insensitive); any other encoding,
   * or null, copies the bytes as they are. Returns the number of bytes written.
   *
   * @throws ProtocolException when the encoded data is malformed (bad base64)
   */
  public static long copy(InputStream in, String encoding, OutputStream out) throws IOException {
    String e = encoding == null ? "" : encoding.toLowerCase(Locale.ROOT);
    if (!e.equals("base64") && !e.equals("quoted-printable")) return in.transferTo(out);
    InputStream decoded;
    try {
      decoded = MimeUtility.decode(in, e);
    } catch (MessagingException ex) {
      throw new IllegalStateException("Jakarta Mail lacks the " + e + " decoder", ex);
    }
    try {
      return decoded.transferTo(out);
    } catch (IOException ex) {
      if (ex.getClass().getSimpleName().equals("DecodingException")) { // Angus Mail's, for bad input only
        throw new ProtocolException("malformed " + encoding + " data: " + ex.getMessage(), ex);
      }
      throw ex;
    }
  }
}
