package dev.tlskit.cli;

/** A problem with what the user asked for or gave us (arguments, local files): exit code 2. */
final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }

  UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
