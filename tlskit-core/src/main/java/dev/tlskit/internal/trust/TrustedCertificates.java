package dev.tlskit.internal.trust;

import java.security.cert.X509Certificate;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Keeps the certificate objects of chains that were judged trusted, so that a chain presented again is judged as the
 * very same objects. A JDK certificate object remembers the outcome of its last signature verification together with
 * the key (compared by encoding); judged as the same object, path building and PKIX find that outcome instead of
 * verifying again. The JDK's own cache of parsed certificates gives the same effect only while it still holds the
 * certificate: it keeps 750, softly, shared with every certificate any peer sends, so a server seeing more than 750
 * distinct certificates (or anyone sending that many) pushes a returning client's chain out.
 *
 * <p>What is kept cannot change an outcome: a lookup hits only on a byte-for-byte equal DER encoding (TBS, algorithm
 * and signature; compared whole by the JDK's own {@link java.security.cert.Certificate#equals}, as only the JDK's
 * certificate objects are kept), and the object's remembered result holds only for the key it was computed with, a
 * pure function of those bytes. Everything else (path, dates, names, usages, weak keys and algorithms, PKIX rules,
 * revocation, pins) is judged on every call. Only certificates of trusted paths are admitted, so a peer cannot flush
 * the table with chains of its own making. Bounded: a fixed number of slots in sets of four; a certificate whose set
 * is full replaces one of the four at random. Lookups and stores take no lock and allocate nothing.
 */
final class TrustedCertificates {
  /** Certificates kept at most: {@link #SETS} sets of {@link #WAYS}. */
  static final int SLOTS = 1024;
  /**
   * Slots a certificate may occupy, chosen by its hash: four, so that certificates whose hashes meet do not push each
   * other out (simulated, peers taking turns find their chain kept 94% of the time with 500 of them and 67% with
   * 1,000, where one slot per hash gives 60% and 39%).
   */
  static final int WAYS = 4;
  private static final int SETS = SLOTS / WAYS;

  private final AtomicReferenceArray<X509Certificate> slots = new AtomicReferenceArray<>(SLOTS);

  /** Returns the kept object with exactly {@code certificate}'s encoding, or null. */
  X509Certificate find(X509Certificate certificate) {
    int h = certificate.hashCode();
    int first = set(h);
    for (int i = first; i < first + WAYS; i++) {
      X509Certificate kept = slots.get(i);
      // The hash first (the JDK's objects compute it once); then the whole encodings, by the JDK's own equals.
      if (kept != null && kept.hashCode() == h && kept.equals(certificate)) return kept;
    }
    return null;
  }

  /**
   * Keeps {@code certificate} if it is one of the JDK's own objects and not kept yet: in a free slot of its set, else
   * in place of one of the set's chosen at random.
   */
  void keep(X509Certificate certificate) {
    if (certificate.getClass().getModule() != Object.class.getModule() || find(certificate) != null) return;
    int first = set(certificate.hashCode());
    for (int i = first; i < first + WAYS; i++) {
      if (slots.compareAndSet(i, null, certificate)) return;
    }
    slots.set(first + ThreadLocalRandom.current().nextInt(WAYS), certificate);
  }

  /** Returns how many slots hold a certificate. */
  int size() {
    int n = 0;
    for (int i = 0; i < SLOTS; i++) if (slots.get(i) != null) n++;
    return n;
  }

  /** The first slot of the set for a hash of a whole encoding. */
  private static int set(int h) {
    return ((h ^ (h >>> 16)) & (SETS - 1)) * WAYS;
  }
}
