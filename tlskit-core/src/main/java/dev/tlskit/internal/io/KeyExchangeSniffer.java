package dev.tlskit.internal.io;

import java.util.HexFormat;

/**
 * Reads the key-exchange group from a server's first flight as its bytes pass by, since JSSE has no API for it: the
 * ServerHello's key_share (TLS 1.3; on the way, a HelloRetryRequest, known by its random, names its selected_group)
 * or the named_curve of an ECDHE ServerKeyExchange (TLS 1.2). It sees the bytes as they pass and never changes them.
 *
 * <p>Bounded and allocation-free after construction: it keeps one record header (5 bytes) and a few counters, skips
 * what it does not need (certificates) without buffering, and stops for good once the group is known, at the first
 * record that is neither handshake nor the change_cipher_spec after a HelloRetryRequest (encrypted TLS 1.3 records,
 * TLS 1.2's change_cipher_spec of a resumed session, an alert), at ServerHelloDone, after {@link #MAX_FLIGHT} bytes,
 * or at anything malformed. Records are framed by {@link TlsRecords#check}. It never throws. One thread feeds it;
 * read the results after the handshake returned.
 */
public final class KeyExchangeSniffer {
  /** The most record bytes looked at (a TLS 1.2 flight with a long certificate chain fits). */
  static final int MAX_FLIGHT = 256 * 1024;
  private static final int CHANGE_CIPHER_SPEC = 20;
  private static final int HANDSHAKE = 22;
  private static final int SERVER_HELLO = 2;
  private static final int SERVER_KEY_EXCHANGE = 12;
  private static final int SERVER_HELLO_DONE = 14;
  private static final int KEY_SHARE = 51;
  private static final int NAMED_CURVE = 3;
  /** The random of a HelloRetryRequest: SHA-256 of "HelloRetryRequest" (RFC 8446 section 4.1.3). */
  private static final byte[] RETRY_RANDOM = HexFormat.of()
      .parseHex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

  // The fields of a handshake message this reader reads (R) or skips (S).
  private static final int MSG_TYPE = 0; // R 1
  private static final int MSG_LENGTH = 1; // R 3
  private static final int MSG_REST = 2; // S the rest of a message
  private static final int HELLO_VERSION = 3; // S legacy_version
  private static final int HELLO_RANDOM = 4; // compared with RETRY_RANDOM
  private static final int HELLO_SESSION_ID_LENGTH = 5; // R 1
  private static final int HELLO_SESSION_ID = 6; // S
  private static final int HELLO_SUITE = 7; // S cipher_suite, legacy_compression_method
  private static final int HELLO_EXTENSIONS_LENGTH = 8; // R 2
  private static final int EXTENSION_TYPE = 9; // R 2
  private static final int EXTENSION_LENGTH = 10; // R 2
  private static final int KEY_SHARE_GROUP = 11; // R 2
  private static final int EXTENSION_REST = 12; // S
  private static final int CURVE = 13; // R 3: ECParameters.curve_type, named_curve

  private final byte[] header = new byte[TlsRecords.HEADER];
  private final byte[] one = new byte[1];
  private int headerFill;
  private int recordType;
  private int recordLeft;
  private int flightBytes;
  private boolean done;

  private int field = MSG_TYPE;
  private int want = 1; // bytes the field still needs
  private int value; // the field read so far
  private int messageType;
  private int messageLeft; // body bytes of the current message not yet consumed
  private int extensionType;
  private int extensionLength;
  private boolean thisHelloRetries;
  private boolean retryPending; // a HelloRetryRequest passed, its ServerHello has not yet

  private int group = -1;
  private boolean fromServerKeyExchange;
  private boolean helloSeen;
  private boolean retried;

  /** Looks at {@code len} bytes of the server's stream from {@code off}; does nothing once {@link #done()}. */
  public void feed(byte[] b, int off, int len) {
    while (len > 0 && !done) {
      if (recordLeft == 0) {
        header[headerFill++] = b[off++];
        len--;
        if (headerFill == TlsRecords.HEADER) {
          headerFill = 0;
          record();
        }
        continue;
      }
      int k = Math.min(len, recordLeft);
      if (recordType == HANDSHAKE) handshake(b, off, k);
      off += k;
      len -= k;
      recordLeft -= k;
    }
  }

  /** Looks at one byte of the server's stream. */
  public void feed(int b) {
    if (done) return;
    one[0] = (byte) b;
    feed(one, 0, 1);
  }

  /** Returns true once this reader looks at nothing more. */
  public boolean done() {
    return done;
  }

  /**
   * Returns the IANA code point of the group the server chose (a HelloRetryRequest's until its ServerHello passes),
   * or -1 when none was seen.
   */
  public int group() {
    return group;
  }

  /**
   * Returns true when {@link #group()} came from a TLS 1.2 ServerKeyExchange: it names the group only when the
   * suite is ECDHE (a DHE ServerKeyExchange starts with the prime's length, whose first byte may be 3 too).
   */
  public boolean fromServerKeyExchange() {
    return fromServerKeyExchange;
  }

  /** Returns true when a ServerHello (not a HelloRetryRequest) passed. */
  public boolean helloSeen() {
    return helloSeen;
  }

  /** Returns true when a HelloRetryRequest passed. */
  public boolean retried() {
    return retried;
  }

  private void record() {
    int type = header[0] & 0xff;
    if (TlsRecords.check(header, 0, TlsRecords.HEADER) != TlsRecords.Verdict.TLS) {
      done = true; // not a record, or an alert (NEED_MORE: its body is not framed here)
      return;
    }
    int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
    flightBytes += TlsRecords.HEADER + length;
    boolean middleboxCcs = type == CHANGE_CIPHER_SPEC && retryPending;
    if (flightBytes > MAX_FLIGHT || type != HANDSHAKE && !middleboxCcs) {
      done = true;
      return;
    }
    recordType = type;
    recordLeft = length;
  }

  /** Consumes {@code n} handshake bytes, reading or skipping field by field. */
  private void handshake(byte[] b, int off, int n) {
    while (!done) {
      if (want == 0) {
        next();
        continue;
      }
      if (n == 0) return;
      int k;
      if (skipping()) {
        k = Math.min(want, n);
      } else if (field == HELLO_RANDOM) {
        if (b[off] != RETRY_RANDOM[RETRY_RANDOM.length - want]) thisHelloRetries = false;
        k = 1;
      } else {
        value = (value << 8) | (b[off] & 0xff);
        k = 1;
      }
      off += k;
      n -= k;
      want -= k;
      if (field != MSG_TYPE && field != MSG_LENGTH) messageLeft -= k;
    }
  }

  private boolean skipping() {
    return field == MSG_REST || field == HELLO_VERSION || field == HELLO_SESSION_ID || field == HELLO_SUITE
        || field == EXTENSION_REST;
  }

  /** Starts a field of the current message's body; one longer than the rest of the message ends the reading. */
  private void body(int f, int length) {
    if (length > messageLeft) {
      done = true; // malformed
      return;
    }
    begin(f, length);
  }

  private void begin(int f, int length) {
    field = f;
    want = length;
    value = 0;
  }

  /** The field just completed ({@link #value} holds what was read): decides the next one. */
  private void next() {
    switch (field) {
      case MSG_TYPE -> {
        messageType = value;
        begin(MSG_LENGTH, 3);
      }
      case MSG_LENGTH -> {
        messageLeft = value;
        switch (messageType) {
          case SERVER_HELLO -> body(HELLO_VERSION, 2);
          case SERVER_KEY_EXCHANGE -> body(CURVE, 3);
          case SERVER_HELLO_DONE -> done = true; // a TLS 1.2 flight without an ECDHE key exchange
          default -> body(MSG_REST, messageLeft); // Certificate, CertificateStatus, NewSessionTicket, ...
        }
      }
      case MSG_REST -> begin(MSG_TYPE, 1);
      case HELLO_VERSION -> {
        thisHelloRetries = true; // until a byte of the random differs
        body(HELLO_RANDOM, RETRY_RANDOM.length);
      }
      case HELLO_RANDOM -> body(HELLO_SESSION_ID_LENGTH, 1);
      case HELLO_SESSION_ID_LENGTH -> body(HELLO_SESSION_ID, value);
      case HELLO_SESSION_ID -> body(HELLO_SUITE, 2 + 1);
      case HELLO_SUITE -> {
        if (messageLeft == 0) helloEnd(); // no extensions (TLS 1.2)
        else body(HELLO_EXTENSIONS_LENGTH, 2);
      }
      case HELLO_EXTENSIONS_LENGTH -> {
        if (value != messageLeft) done = true; // the extensions must fill the rest of the message
        else extensionOrEnd();
      }
      case EXTENSION_TYPE -> {
        extensionType = value;
        body(EXTENSION_LENGTH, 2);
      }
      case EXTENSION_LENGTH -> {
        extensionLength = value;
        if (extensionType == KEY_SHARE && extensionLength >= 2) body(KEY_SHARE_GROUP, 2);
        else body(EXTENSION_REST, extensionLength);
      }
      case KEY_SHARE_GROUP -> {
        group = value; // a HelloRetryRequest's selected_group, or the group of a ServerHello's KeyShareEntry
        if (thisHelloRetries) {
          body(EXTENSION_REST, extensionLength - 2);
        } else {
          helloSeen = true;
          done = true;
        }
      }
      case EXTENSION_REST -> extensionOrEnd();
      case CURVE -> {
        if (value >>> 16 == NAMED_CURVE) {
          group = value & 0xffff;
          fromServerKeyExchange = true;
        }
        done = true;
      }
      default -> done = true;
    }
  }

  private void extensionOrEnd() {
    if (messageLeft == 0) helloEnd();
    else body(EXTENSION_TYPE, 2);
  }

  /** A ServerHello without a key share, or a HelloRetryRequest, ended: read on. */
  private void helloEnd() {
    if (thisHelloRetries) {
      retried = true;
      retryPending = true;
    } else {
      helloSeen = true;
      retryPending = false;
    }
    begin(MSG_TYPE, 1);
  }
}
