package dev.tlskit.smtp;

import dev.tlskit.ProtocolException;

/**
 * The message has bytes above 127 and the server does not announce {@code 8BITMIME} (RFC 6152). Raised before MAIL
 * FROM for a message given as bytes; for a stream it is found while sending, and the connection is then closed
 * without ending the data, so the server discards the partial message. {@link MimeMail} never needs 8BITMIME: it
 * encodes text as quoted-printable and other content as base64.
 */
public final class EightBitUnsupportedException extends ProtocolException {
  EightBitUnsupportedException(String detail) {
    super("the message has 8-bit content and the server does not announce 8BITMIME; " + detail);
  }
}
