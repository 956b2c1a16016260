package dev.tlskit.internal.trust;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Keeps, by exact DER encoding, the certificate objects of chains that were judged trusted, so that a chain presented
 * again is judged as the very same objects. A JDK certificate object remembers the outcome of its last signature
 * verification together with the key (compared by encoding); judged as the same object, path building and PKIX find
 * that outcome instead of verifying again. The JDK's own cache of parsed certificates gives the same effect only while
 * it still holds the certificate: it keeps 750, softly, shared with every certificate any peer sends, so a server
 * seeing more than 750 distinct certificates (or anyone sending that many) pushes a returning client's chain out.
 *
 * <p>What is kept cannot change an outcome: a lookup hits only on a byte-for-byte equal encoding (TBS, algorithm and
 * signature), and the object's remembered result holds only for the key it was computed with, which is itself a pure
 * function of those bytes. Everything else (path, dates, names, usages, weak keys and algorithms, PKIX rules,
 * revocation, pins) is judged on every call. Only certificates of trusted paths are admitted, so a peer cannot flush
 * the table with chains of its own making. Bounded: a fixed number of slots, each entry replacing the one whose slot
 * it hashes to; lookups and stores take no lock.
 */
final class TrustedCertificates {
  /** Slots in the table; a power of two. */
  static final int SLOTS = 1024;

  private record Entry(byte[] encoding, X509Certificate certificate) {}

  private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);

  /** Returns the kept object whose encoding is exactly {@code encoding}, or null. */
  X509Certificate find(byte[] encoding) {
    Entry e = slots.get(slot(encoding));
    return e != null && Arrays.equals(e.encoding, encoding) ? e.certificate : null;
  }

  /** Keeps {@code certificate}, replacing whatever held its slot. */
  void keep(X509Certificate certificate) {
    byte[] encoding;
    try {
      encoding = certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      return; // nothing to look it up by
    }
    slots.set(slot(encoding), new Entry(encoding, certificate));
  }

  /** Returns how many slots hold a certificate. */
  int size() {
    int n = 0;
    for (int i = 0; i < SLOTS; i++) if (slots.get(i) != null) n++;
    return n;
  }

  private static int slot(byte[] encoding) {
    int h = Arrays.hashCode(encoding);
    return (h ^ (h >>> 16)) & (SLOTS - 1);
  }
}
