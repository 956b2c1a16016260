package dev.tlskit.internal.trust;

import java.security.cert.X509Certificate;
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
 * the table with chains of its own making. Bounded: a fixed number of slots, each certificate replacing the one whose
 * slot it hashes to; lookups and stores take no lock and allocate nothing.
 */
final class TrustedCertificates {
  /** Slots in the table; a power of two. */
  static final int SLOTS = 1024;

  private final AtomicReferenceArray<X509Certificate> slots = new AtomicReferenceArray<>(SLOTS);

  /** Returns the kept object with exactly {@code certificate}'s encoding, or null. */
  X509Certificate find(X509Certificate certificate) {
    X509Certificate kept = slots.get(slot(certificate));
    return kept != null && kept.equals(certificate) ? kept : null;
  }

  /** Keeps {@code certificate} if it is one of the JDK's own objects, replacing whatever held its slot. */
  void keep(X509Certificate certificate) {
    if (certificate.getClass().getModule() == Object.class.getModule()) slots.set(slot(certificate), certificate);
  }

  /** Returns how many slots hold a certificate. */
  int size() {
    int n = 0;
    for (int i = 0; i < SLOTS; i++) if (slots.get(i) != null) n++;
    return n;
  }

  /** The slot of a certificate: from the hash of its whole encoding, which the JDK's objects compute once. */
  private static int slot(X509Certificate certificate) {
    int h = certificate.hashCode();
    return (h ^ (h >>> 16)) & (SLOTS - 1);
  }
}
