package dev.tlskit.probe;

import java.util.Comparator;
import java.util.List;

/**
 * One thing a probe found worth telling, with how much it matters.
 *
 * @param severity how much it matters
 * @param id a stable kebab-case identifier ("tls10-offered"), for scripts
 * @param title a one-line statement of what was found
 * @param detail what exactly was seen and what to do, possibly empty
 */
public record Finding(Severity severity, String id, String title, String detail) {
  /** How much a finding matters. The verdict follows from the worst one. */
  public enum Severity {
    /** Worth knowing; not a weakness. */
    INFO,
    /** A weakness with little practical risk. */
    LOW,
    /** A weakness worth fixing. */
    MEDIUM,
    /** A weakness that lets an attacker in some position read or change traffic, or a certificate clients reject. */
    HIGH,
    /** Broken: no real protection. */
    CRITICAL
  }

  /** Returns the worst severity of {@code findings}, or null when there are none. */
  static Severity worst(List<Finding> findings) {
    return findings.stream().map(Finding::severity).max(Comparator.naturalOrder()).orElse(null);
  }
}
