package dev.tlskit.imap;

/**
 * Bounds on what the IMAP response parser accepts, so a hostile server cannot exhaust memory. Exceeding one gives a
 * {@link dev.tlskit.ProtocolException}.
 *
 * @param maxLineLength longest line in bytes (default 64 KiB)
 * @param maxLiteralSize largest single literal in bytes, which bounds a fetched message (default 64 MiB)
 * @param maxResponseSize largest whole response, lines and literals, in bytes (default 96 MiB)
 * @param maxDepth deepest nesting of parenthesised lists (default 32)
 */
public record ImapLimits(int maxLineLength, int maxLiteralSize, long maxResponseSize, int maxDepth) {
  /** The defaults listed above. */
  public static final ImapLimits DEFAULTS = new ImapLimits(64 * 1024, 64 * 1024 * 1024, 96L * 1024 * 1024, 32);

  public ImapLimits {
    if (maxLineLength < 256) throw new IllegalArgumentException("maxLineLength must be >= 256: " + maxLineLength);
    if (maxLiteralSize < 0) throw new IllegalArgumentException("maxLiteralSize must be >= 0: " + maxLiteralSize);
    if (maxResponseSize < maxLineLength) {
      throw new IllegalArgumentException("maxResponseSize " + maxResponseSize + " is below maxLineLength "
          + maxLineLength);
    }
    if (maxDepth < 1) throw new IllegalArgumentException("maxDepth must be >= 1: " + maxDepth);
  }
}
