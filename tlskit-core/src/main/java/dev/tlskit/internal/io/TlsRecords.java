package dev.tlskit.internal.io;

import dev.tlskit.ProtocolException;

/**
 * Recognises a TLS record where a plaintext protocol line was expected, so that a reader can fail at once instead of
 * waiting out its timeout for a line end that never comes: an implicit-TLS port dialled in plaintext, or a server
 * that answers STARTTLS with an alert ({@code 15 03 03 00 02 02 28}).
 *
 * <p>A record starts with a content type no text line starts with (20 change_cipher_spec, 21 alert, 22 handshake,
 * 23 application_data: control characters), then version 3.0-3.4 and a length of at most 2^14 + 2048 (RFC 8446
 * section 5). Both line readers use this: {@link LineInput} and the STARTTLS preamble's unbuffered one.
 */
public final class TlsRecords {
  /** The bytes of a record header: type, version (2), length (2). */
  static final int HEADER = 5;
  /** The largest record length any TLS version allows (a TLSCiphertext: 2^14 + 2048). */
  private static final int MAX_LENGTH = (1 << 14) + 2048;
  private static final int ALERT = 21;

  private TlsRecords() {}

  /** What the bytes seen so far say. */
  public enum Verdict {
    /** Not a TLS record: read the line as usual. */
    NOT_TLS,
    /** So far a TLS record header; give more bytes (up to {@link TlsRecords#HEADER} and two). */
    NEED_MORE,
    /** A TLS record: refuse it with {@link TlsRecords#answeredInTls}. */
    TLS
  }

  /**
   * Judges the first {@code n} bytes of {@code b} from {@code off}, read where a line should start. Needs at most
   * {@link #HEADER} bytes, and two more for a plaintext alert (to name it).
   */
  public static Verdict check(byte[] b, int off, int n) {
    if (n < 1) return Verdict.NEED_MORE;
    int type = b[off] & 0xff;
    if (type < 20 || type > 23) return Verdict.NOT_TLS;
    if (n < 2) return Verdict.NEED_MORE;
    if (b[off + 1] != 3) return Verdict.NOT_TLS;
    if (n < 3) return Verdict.NEED_MORE;
    if ((b[off + 2] & 0xff) > 4) return Verdict.NOT_TLS;
    if (n < HEADER) return Verdict.NEED_MORE;
    int length = ((b[off + 3] & 0xff) << 8) | (b[off + 4] & 0xff);
    if (length == 0 || length > MAX_LENGTH) return Verdict.NOT_TLS;
    if (type == ALERT && length == 2 && n < HEADER + 2) return Verdict.NEED_MORE;
    return Verdict.TLS;
  }

  /**
   * Returns true when {@code n} bytes that {@link #check} judged {@code v} make a record although the stream ended
   * after them: a whole header is enough (an alert whose body was cut off).
   */
  public static boolean cutShort(Verdict v, int n) {
    return v == Verdict.NEED_MORE && n >= HEADER;
  }

  /**
   * Returns the error for a record {@link #check} judged {@link Verdict#TLS} (or one {@link #cutShort}): it says the
   * server answered in TLS, and which alert when it was one.
   *
   * @param who names the peer ("mail.example.com", "the server")
   */
  public static ProtocolException answeredInTls(String who, byte[] b, int off, int n) {
    int type = b[off] & 0xff;
    String what = switch (type) {
      case 20 -> "a TLS change_cipher_spec record";
      case 21 -> n >= HEADER + 2 && (((b[off + 3] & 0xff) << 8) | (b[off + 4] & 0xff)) == 2
          ? "a TLS alert: " + ((b[off + 5] & 0xff) == 2 ? "fatal " : (b[off + 5] & 0xff) == 1 ? "warning " : "")
              + alertName(b[off + 6] & 0xff) + " (" + (b[off + 6] & 0xff) + ")"
          : "a TLS alert";
      case 22 -> "a TLS handshake record";
      default -> "a TLS application_data record";
    };
    return new ProtocolException(who + " answered in TLS where a plaintext protocol line was expected: " + what
        + " (the port speaks TLS from the first byte, or the server refused the plaintext exchange in TLS)");
  }

  /** Returns the RFC 8446 name of an alert description ("handshake_failure" for 40). */
  public static String alertName(int description) {
    return switch (description) {
      case 0 -> "close_notify";
      case 10 -> "unexpected_message";
      case 20 -> "bad_record_mac";
      case 22 -> "record_overflow";
      case 40 -> "handshake_failure";
      case 42 -> "bad_certificate";
      case 43 -> "unsupported_certificate";
      case 44 -> "certificate_revoked";
      case 45 -> "certificate_expired";
      case 46 -> "certificate_unknown";
      case 47 -> "illegal_parameter";
      case 48 -> "unknown_ca";
      case 49 -> "access_denied";
      case 50 -> "decode_error";
      case 51 -> "decrypt_error";
      case 70 -> "protocol_version";
      case 71 -> "insufficient_security";
      case 80 -> "internal_error";
      case 86 -> "inappropriate_fallback";
      case 90 -> "user_canceled";
      case 109 -> "missing_extension";
      case 110 -> "unsupported_extension";
      case 112 -> "unrecognized_name";
      case 113 -> "bad_certificate_status_response";
      case 115 -> "unknown_psk_identity";
      case 116 -> "certificate_required";
      case 120 -> "no_application_protocol";
      default -> "alert_" + description;
    };
  }
}
