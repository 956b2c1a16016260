package dev.tlskit.certs;

import java.io.IOException;
import java.util.Objects;

/**
 * A certificate, key or keystore file that cannot be used. The message says which file, what was expected and what
 * was found, e.g. {@code "ca.pem: expected a PEM certificate, found a PEM 'PRIVATE KEY' block"}, so a user can fix
 * the problem from the message alone.
 */
public final class CertificateFileException extends IOException {
  /** What is wrong with the file. */
  public enum Problem {
    /** The file does not exist or cannot be read. */
    UNREADABLE,
    /** The file holds something other than what was expected (including garbage, or an empty file). */
    WRONG_FORMAT,
    /** The file ends in the middle of a PEM block or DER structure. */
    TRUNCATED,
    /** The password does not open the file (or the file is corrupted in a way only the password check sees). */
    WRONG_PASSWORD,
    /** The file is encrypted and no password was given. */
    PASSWORD_REQUIRED,
    /** The private key does not belong to the certificate it was paired with. */
    KEY_MISMATCH,
    /** The file holds secrets and other users may read or write it (or its group write it). */
    EXPOSED
  }

  private final String file;
  private final Problem problem;

  CertificateFileException(String file, Problem problem, String detail, Throwable cause) {
    super(file + ": " + detail, cause);
    this.file = Objects.requireNonNull(file);
    this.problem = Objects.requireNonNull(problem);
  }

  static CertificateFileException wrongFormat(String file, String expected, String found) {
    return new CertificateFileException(file, Problem.WRONG_FORMAT, "expected " + expected + ", found " + found, null);
  }

  static CertificateFileException truncated(String file, String expected, String found) {
    return new CertificateFileException(file, Problem.TRUNCATED, "expected " + expected + ", found " + found, null);
  }

  static CertificateFileException wrongPassword(String file, String what, Throwable cause) {
    return new CertificateFileException(file, Problem.WRONG_PASSWORD, "wrong password or corrupted " + what, cause);
  }

  static CertificateFileException passwordRequired(String file, String what) {
    return new CertificateFileException(file, Problem.PASSWORD_REQUIRED,
        what + " is encrypted and no password was given", null);
  }

  /** Returns the file as the caller named it. */
  public String file() {
    return file;
  }

  /** Returns what is wrong with the file. */
  public Problem problem() {
    return problem;
  }
}
