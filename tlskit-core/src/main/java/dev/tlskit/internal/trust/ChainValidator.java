package dev.tlskit.internal.trust;

import dev.tlskit.CertificateProblem;
import dev.tlskit.Revocation;
import dev.tlskit.TlsPolicy;
import dev.tlskit.ValidationReport;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.CertificateRevokedException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Judges a certificate chain against a policy and lists every problem found, instead of stopping at the first. Path
 * building (issuer by name and signature, up to the policy's anchors) is done here so that an incomplete chain can be
 * told apart from an untrusted root; the JDK's PKIX validator then checks CA constraints and revocation on the built
 * path. Side-neutral: servers are judged by name and the serverAuth usage, clients without a name and by clientAuth.
 *
 * <p>Each signature is verified once: the chain is judged as the JDK's own certificate objects ({@link
 * #jdkCertificates}), which keep a verification's result per public key, so PKIX's signature check of a pair that
 * path building verified finds the result instead of verifying again ({@code SignatureVerifiedOnceTest} counts the
 * verifications per handshake against the raw JDK's). A chain judged trusted is kept ({@link TrustedCertificates}),
 * so that when it is presented again it is judged as the same objects and its signatures are not verified again, even
 * after the JDK's own cache of parsed certificates has let it go; everything else is judged anew on every call.
 */
public final class ChainValidator {
  /** What the certificate is being used for. */
  public enum Purpose {
    SERVER("1.3.6.1.5.5.7.3.1", "serverAuth"),
    CLIENT("1.3.6.1.5.5.7.3.2", "clientAuth");

    final String ekuOid;
    final String ekuName;

    Purpose(String ekuOid, String ekuName) {
      this.ekuOid = ekuOid;
      this.ekuName = ekuName;
    }
  }

  private static final String ANY_EKU = "2.5.29.37.0";
  private static final int MAX_DEPTH = 10;
  /** Certificates of paths judged trusted, shared by every validator of the JVM. */
  static final TrustedCertificates TRUSTED = new TrustedCertificates();

  private final TlsPolicy policy;

  public ChainValidator(TlsPolicy policy) {
    this.policy = policy;
  }

  /**
   * Returns the report for {@code presented} (leaf first) used for {@code purpose}; {@code expectedName} is checked
   * when not null. {@code stapled} maps certificates to DER OCSP responses the peer stapled.
   */
  public ValidationReport validate(List<X509Certificate> presented, String expectedName, Purpose purpose,
      Map<X509Certificate, byte[]> stapled, Instant now) {
    List<CertificateProblem> problems = new ArrayList<>();
    List<CertificateProblem> warnings = new ArrayList<>();
    if (presented.isEmpty()) {
      problems.add(new CertificateProblem.NoCertificate());
      return new ValidationReport(expectedName, presented, List.of(), problems, warnings,
          ValidationReport.Verdict.REJECTED);
    }
    presented = jdkCertificates(presented);
    X509Certificate leaf = presented.get(0);
    List<X509Certificate> anchors = policy.trust().certificates();

    // 1. Path building.
    List<X509Certificate> path = new ArrayList<>(List.of(leaf));
    X509Certificate anchor = null;
    X509Certificate cur = leaf;
    while (path.size() <= MAX_DEPTH) {
      if (anchors.contains(cur)) {
        anchor = cur;
        break;
      }
      X509Certificate viaAnchor = findIssuer(cur, anchors, List.of());
      if (viaAnchor != null) {
        path.add(viaAnchor);
        anchor = viaAnchor;
        break;
      }
      if (isSelfSigned(cur)) break;
      X509Certificate next = findIssuer(cur, presented, path);
      if (next == null) break;
      path.add(next);
      cur = next;
    }
    if (anchor == null) problems.add(unanchored(path, presented));
    // Certificates judged below: the path without its trust anchor (anchors are configuration, not peer input).
    List<X509Certificate> judged = anchor == null || anchor == leaf ? path : path.subList(0, path.indexOf(anchor));

    // 2. Validity.
    Date nowDate = Date.from(now);
    boolean validityProblem = false;
    for (X509Certificate c : judged) {
      if (nowDate.after(c.getNotAfter())) {
        problems.add(new CertificateProblem.Expired(Certs.subject(c), c.getNotAfter().toInstant(), now));
        validityProblem = true;
      } else if (nowDate.before(c.getNotBefore())) {
        problems.add(new CertificateProblem.NotYetValid(Certs.subject(c), c.getNotBefore().toInstant(), now));
        validityProblem = true;
      }
    }

    // 3. Name.
    if (expectedName != null) {
      switch (HostnameMatcher.match(expectedName, leaf)) {
        case SUBJECT_ALT_NAME -> { }
        case COMMON_NAME_ONLY -> {
          // RFC 9525: the CN names nobody, unless the policy asked for the old fallback; then it is reported.
          boolean fallback = policy.allowsCommonNameFallback();
          var p = new CertificateProblem.MissingSubjectAltName(expectedName, HostnameMatcher.commonName(leaf),
              fallback);
          if (fallback || policy.dangerousSkipHostnameVerification()) warnings.add(p);
          else problems.add(p);
        }
        case NONE -> {
          var p = new CertificateProblem.NameMismatch(expectedName, HostnameMatcher.presentedNames(leaf));
          if (policy.dangerousSkipHostnameVerification()) warnings.add(p);
          else problems.add(p);
        }
      }
    } else if (purpose == Purpose.SERVER) {
      problems.add(new CertificateProblem.NameMismatch("(no peer name was given to verify against)",
          HostnameMatcher.presentedNames(leaf)));
    }

    // 4. Key usage of the leaf.
    String usage = keyUsageProblem(leaf, purpose);
    if (usage != null) problems.add(new CertificateProblem.WrongKeyUsage(Certs.subject(leaf), usage));

    // 5. Weak keys and signatures.
    for (X509Certificate c : judged) {
      PublicKey k = c.getPublicKey();
      int bits = Certs.keyBits(k);
      String type = Certs.keyType(k);
      int min = switch (type) {
        case "RSA", "RSASSA-PSS", "DSA" -> 2048;
        case "EC" -> 256;
        default -> 0;
      };
      if (bits >= 0 && bits < min) problems.add(new CertificateProblem.WeakKey(Certs.subject(c), type, bits));
      if (c != anchor && isWeakSignature(c.getSigAlgName()) && !isSelfSigned(c)) {
        problems.add(new CertificateProblem.WeakSignature(Certs.subject(c), c.getSigAlgName()));
      }
    }

    // 6. PKIX rules and revocation on the built path.
    if (anchor != null && anchor != leaf) {
      pkix(judged, anchor, stapled, now, validityProblem, problems, warnings);
    }

    // 7. Pins.
    if (!policy.pins().isEmpty()) {
      List<X509Certificate> pinChain = anchor != null ? path : presented;
      boolean pinned = pinChain.stream().anyMatch(c -> policy.pins().contains(Certs.spkiPin(c)));
      if (!pinned) {
        List<String> seen = new ArrayList<>();
        for (X509Certificate c : pinChain) seen.add(Certs.spkiPin(c) + " " + Certs.subject(c));
        problems.add(new CertificateProblem.PinMismatch(List.copyOf(policy.pins()), seen));
      }
    }

    if (problems.isEmpty()) {
      for (X509Certificate c : judged) TRUSTED.keep(c);
    }
    return new ValidationReport(expectedName, presented, anchor == null ? List.of() : path, problems, warnings,
        problems.isEmpty() ? ValidationReport.Verdict.TRUSTED : ValidationReport.Verdict.REJECTED);
  }

  /**
   * Names why no anchor was reached. Without fetching the missing issuer nobody can be sure whether it is an
   * intermediate the server forgot or a root nobody trusts; the rule: a self-signed top is an untrusted root; a gap
   * (presented certificates left unlinked) or a lone leaf is an incomplete chain; a CA certificate on top whose issuer
   * is unknown leads to an untrusted root.
   */
  private static CertificateProblem unanchored(List<X509Certificate> path, List<X509Certificate> presented) {
    X509Certificate top = path.get(path.size() - 1);
    if (isSelfSigned(top)) return new CertificateProblem.UntrustedIssuer(Certs.subject(top));
    boolean gap = presented.stream().anyMatch(c -> !path.contains(c));
    if (!gap && top.getBasicConstraints() >= 0) return new CertificateProblem.UntrustedIssuer(Certs.issuer(top));
    return new CertificateProblem.IncompleteChain(Certs.subject(top), Certs.issuer(top));
  }

  private void pkix(List<X509Certificate> judged, X509Certificate anchor, Map<X509Certificate, byte[]> stapled,
      Instant now, boolean validityProblem, List<CertificateProblem> problems, List<CertificateProblem> warnings) {
    try {
      var certPath = CertificateFactory.getInstance("X.509", "SUN").generateCertPath(judged);
      Date date = validityProblem ? dateInsideAllWindows(judged, now) : Date.from(now);
      CertPathValidator cpv = CertPathValidator.getInstance("PKIX");
      // First the chain rules alone (CA constraints, key usage of CAs, name constraints, algorithms) ...
      try {
        cpv.validate(certPath, parameters(anchor, date));
      } catch (CertPathValidatorException e) {
        CertificateProblem p = map(e, judged, problems);
        if (p != null) problems.add(p);
        return;
      }
      if (policy.revocation() == Revocation.OFF) return;
      // ... then revocation, so that any failure of this run is about revocation.
      boolean soft = policy.revocation() == Revocation.SOFT_FAIL;
      CertificateProblem p = revocation(cpv, certPath, anchor, date, stapled, judged, problems, warnings, false);
      if (soft && p instanceof CertificateProblem.RevocationUnknown u && judged.size() > 1
          && !u.subject().equals(Certs.subject(judged.get(0)))) {
        // A CA's status was unknown and validation stopped there; still check the leaf.
        warnings.add(p);
        p = revocation(cpv, certPath, anchor, date, stapled, judged, problems, warnings, true);
      }
      if (p instanceof CertificateProblem.RevocationUnknown && soft) warnings.add(p);
      else if (p != null) problems.add(p);
    } catch (GeneralSecurityException e) {
      problems.add(new CertificateProblem.InvalidChain(Certs.subject(judged.get(0)),
          "PKIX validation could not run: " + e.getMessage()));
    }
  }

  private CertificateProblem revocation(CertPathValidator cpv, java.security.cert.CertPath certPath,
      X509Certificate anchor, Date date, Map<X509Certificate, byte[]> stapled, List<X509Certificate> judged,
      List<CertificateProblem> problems, List<CertificateProblem> warnings, boolean leafOnly)
      throws GeneralSecurityException {
    PKIXRevocationChecker rc = (PKIXRevocationChecker) cpv.getRevocationChecker();
    EnumSet<PKIXRevocationChecker.Option> opts = EnumSet.noneOf(PKIXRevocationChecker.Option.class);
    if (policy.revocation() == Revocation.SOFT_FAIL) opts.add(PKIXRevocationChecker.Option.SOFT_FAIL);
    if (leafOnly) opts.add(PKIXRevocationChecker.Option.ONLY_END_ENTITY);
    rc.setOptions(opts);
    if (stapled != null && !stapled.isEmpty()) rc.setOcspResponses(new HashMap<>(stapled));
    PKIXParameters params = parameters(anchor, date);
    params.addCertPathChecker(rc);
    if (!policy.crls().isEmpty()) {
      params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(policy.crls())));
    }
    CertificateProblem result = null;
    try {
      cpv.validate(certPath, params);
    } catch (CertPathValidatorException e) {
      result = map(e, judged, problems);
      if (result instanceof CertificateProblem.InvalidChain ic) {
        result = new CertificateProblem.RevocationUnknown(ic.subject(), ic.detail());
      }
    }
    for (CertPathValidatorException softFailure : rc.getSoftFailExceptions()) {
      warnings.add(new CertificateProblem.RevocationUnknown(subjectAt(softFailure, judged), message(softFailure)));
    }
    return result;
  }

  private static PKIXParameters parameters(X509Certificate anchor, Date date) throws GeneralSecurityException {
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
    params.setDate(date);
    params.setRevocationEnabled(false);
    return params;
  }

  private static CertificateProblem map(CertPathValidatorException e, List<X509Certificate> judged,
      List<CertificateProblem> already) {
    String subject = subjectAt(e, judged);
    var reason = e.getReason();
    if (reason == CertPathValidatorException.BasicReason.REVOKED) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof CertificateRevokedException r) {
          return new CertificateProblem.Revoked(subject, r.getRevocationDate().toInstant(),
              r.getRevocationReason().name());
        }
      }
      return new CertificateProblem.Revoked(subject, null, null);
    }
    if (reason == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS) {
      return new CertificateProblem.RevocationUnknown(subject, message(e));
    }
    if (reason == CertPathValidatorException.BasicReason.EXPIRED
        || reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
      return null; // reported by the validity check already
    }
    if (reason == CertPathValidatorException.BasicReason.ALGORITHM_CONSTRAINED) {
      boolean known = already.stream().anyMatch(p -> p instanceof CertificateProblem.WeakKey
          || p instanceof CertificateProblem.WeakSignature);
      return known ? null : new CertificateProblem.WeakSignature(subject, message(e));
    }
    if (reason == PKIXReason.INVALID_KEY_USAGE) {
      return new CertificateProblem.WrongKeyUsage(subject, message(e));
    }
    return new CertificateProblem.InvalidChain(subject, message(e));
  }

  private static String subjectAt(CertPathValidatorException e, List<X509Certificate> judged) {
    int i = e.getIndex();
    return i >= 0 && i < judged.size() ? Certs.subject(judged.get(i)) : Certs.subject(judged.get(0));
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  private static Date dateInsideAllWindows(List<X509Certificate> certs, Instant now) {
    Date start = null;
    Date end = null;
    for (X509Certificate c : certs) {
      if (start == null || c.getNotBefore().after(start)) start = c.getNotBefore();
      if (end == null || c.getNotAfter().before(end)) end = c.getNotAfter();
    }
    return start != null && !start.after(end) ? start : Date.from(now);
  }

  private static String keyUsageProblem(X509Certificate leaf, Purpose purpose) {
    try {
      List<String> eku = leaf.getExtendedKeyUsage();
      if (eku != null && !eku.contains(purpose.ekuOid) && !eku.contains(ANY_EKU)) {
        return "extended key usage " + eku + " lacks " + purpose.ekuName;
      }
    } catch (CertificateParsingException e) {
      return "unreadable extended key usage: " + e.getMessage();
    }
    boolean[] ku = leaf.getKeyUsage();
    if (ku != null) {
      boolean digitalSignature = ku.length > 0 && ku[0];
      boolean keyEncipherment = ku.length > 2 && ku[2];
      boolean keyAgreement = ku.length > 4 && ku[4];
      if (!digitalSignature && !keyEncipherment && !keyAgreement) {
        return "key usage allows neither digitalSignature, keyEncipherment nor keyAgreement";
      }
    }
    return null;
  }

  private static boolean isWeakSignature(String alg) {
    String a = alg.toUpperCase(Locale.ROOT);
    return a.contains("MD5") || a.contains("MD2") || a.startsWith("SHA1") || a.contains("SHA1WITH");
  }

  /**
   * Returns {@code chain} as the JDK's own certificate objects. Those remember that a signature was verified with a
   * key, so PKIX's check of a pair path building verified costs a key comparison; others may verify afresh each time
   * (BouncyCastle's do, and JSSE parses with them when an application puts BouncyCastle's provider first). A
   * certificate of a chain judged trusted before comes back as the object that was judged then ({@link #TRUSTED}).
   */
  static List<X509Certificate> jdkCertificates(List<X509Certificate> chain) {
    List<X509Certificate> out = new ArrayList<>(chain.size());
    for (X509Certificate c : chain) out.add(jdkCertificate(c));
    return out;
  }

  private static X509Certificate jdkCertificate(X509Certificate c) {
    X509Certificate kept = TRUSTED.find(c);
    if (kept != null) return kept;
    if (c.getClass().getModule() == Object.class.getModule()) return c; // java.base's own
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509", "SUN")
          .generateCertificate(new ByteArrayInputStream(c.getEncoded()));
    } catch (GeneralSecurityException e) {
      return c; // judged as it is: its own verify() still decides
    }
  }

  /** Returns the first candidate not in {@code exclude} named as {@code cert}'s issuer whose key signed it, or null. */
  static X509Certificate findIssuer(X509Certificate cert, List<X509Certificate> candidates,
      List<X509Certificate> exclude) {
    for (X509Certificate c : candidates) {
      if (exclude.contains(c)) continue;
      if (!c.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) continue;
      if (verifies(cert, c.getPublicKey())) return c;
    }
    return null;
  }

  static boolean isSelfSigned(X509Certificate c) {
    return c.getSubjectX500Principal().equals(c.getIssuerX500Principal()) && verifies(c, c.getPublicKey());
  }

  private static boolean verifies(X509Certificate c, PublicKey key) {
    try {
      c.verify(key);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
