package dev.tlskit.internal.server;

import dev.tlskit.internal.tls.PolicyKeyManager;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/** One loaded generation of server credentials with the DNS names each covers, for choosing by SNI. */
public record CertificateSnapshot(List<Entry> entries) {
  /** A credential under a unique alias, with the host names its leaf covers (lower case, wildcards kept). */
  public record Entry(String alias, PrivateKey key, List<X509Certificate> chain, List<String> names) {
    public Entry(String alias, PrivateKey key, List<X509Certificate> chain) {
      this(alias, key, List.copyOf(chain), namesOf(chain.get(0)));
    }

    /** Returns true when this credential's leaf covers {@code host} (RFC 6125: wildcard as whole left label). */
    public boolean covers(String host) {
      String h = host.toLowerCase(Locale.ROOT);
      for (String n : names) {
        if (n.equals(h)) return true;
        if (n.startsWith("*.")) {
          int dot = h.indexOf('.');
          if (dot > 0 && h.substring(dot + 1).equals(n.substring(2))) return true;
        }
      }
      return false;
    }

    /** Returns true when this credential's key can sign for the JSSE key type asked for. */
    public boolean fits(String keyType) {
      return PolicyKeyManager.keyFits(key.getAlgorithm(), keyType);
    }
  }

  public CertificateSnapshot {
    entries = List.copyOf(entries);
  }

  /** Returns true when an entry of this generation has {@code alias}. */
  public boolean owns(String alias) {
    return find(alias) != null;
  }

  /** Returns the entry with {@code alias}, or null. */
  public Entry find(String alias) {
    for (Entry e : entries) {
      if (e.alias().equals(alias)) return e;
    }
    return null;
  }

  /** Returns true when some credential covers {@code host}. */
  public boolean covers(String host) {
    return entries.stream().anyMatch(e -> e.covers(host));
  }

  /**
   * Chooses the credential for a handshake: the first covering {@code sni} whose key fits, else the first whose key
   * fits (the default). Returns its alias, or null when no key fits.
   */
  public String choose(String keyType, String sni) {
    if (sni != null) {
      for (Entry e : entries) {
        if (e.fits(keyType) && e.covers(sni)) return e.alias();
      }
    }
    for (Entry e : entries) {
      if (e.fits(keyType)) return e.alias();
    }
    return null;
  }

  private static List<String> namesOf(X509Certificate leaf) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if ((Integer) san.get(0) == 2) names.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
        }
      }
    } catch (CertificateParsingException e) {
      // no usable SANs: fall back to the CN below
    }
    if (names.isEmpty()) {
      String dn = leaf.getSubjectX500Principal().getName(X500Principal.RFC2253);
      for (String rdn : dn.split(",")) {
        if (rdn.startsWith("CN=")) names.add(rdn.substring(3).toLowerCase(Locale.ROOT));
      }
    }
    return List.copyOf(names);
  }
}
