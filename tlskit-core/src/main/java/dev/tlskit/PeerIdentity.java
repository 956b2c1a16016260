package dev.tlskit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * Describes the verified certificate a TLS peer authenticated with: subject, subject alternative names, SHA-256
 * fingerprint of the leaf, and the chain as presented. A server hands it to its {@link Authorizer} and its handler.
 */
public record PeerIdentity(
    String subject, List<String> dnsNames, List<String> ipAddresses, List<String> emails, String sha256Fingerprint,
    List<X509Certificate> chain) {

  public PeerIdentity {
    if (chain.isEmpty()) throw new IllegalArgumentException("a peer identity needs at least one certificate");
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
    emails = List.copyOf(emails);
    chain = List.copyOf(chain);
  }

  /** Returns the identity of the leaf (first) certificate of {@code chain}. */
  public static PeerIdentity of(List<X509Certificate> chain) {
    if (chain.isEmpty()) throw new IllegalArgumentException("a peer identity needs at least one certificate");
    X509Certificate leaf = chain.get(0);
    List<String> dns = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    List<String> mails = new ArrayList<>();
    try {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == 2) dns.add((String) san.get(1));
          else if (type == 7) ips.add((String) san.get(1));
          else if (type == 1) mails.add((String) san.get(1));
        }
      }
    } catch (CertificateParsingException e) {
      // unparsable SAN extension: the identity carries the subject only
    }
    return new PeerIdentity(leaf.getSubjectX500Principal().getName(), dns, ips, mails, fingerprint(leaf), chain);
  }

  /** Returns the leaf certificate. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** Returns the SHA-256 of the certificate's DER encoding as colon-separated upper-case hex. */
  static String fingerprint(X509Certificate c) {
    try {
      return HexFormat.ofDelimiter(":").withUpperCase()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint " + c.getSubjectX500Principal(), e);
    }
  }

  @Override
  public String toString() {
    return subject + " " + (dnsNames.isEmpty() ? "" : "dns=" + dnsNames + " ")
        + (emails.isEmpty() ? "" : "email=" + emails + " ") + "sha256=" + sha256Fingerprint;
  }
}
