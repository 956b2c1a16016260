package dev.tlskit.cli;

import dev.tlskit.certs.Fingerprints;
import dev.tlskit.certs.Keys;
import dev.tlskit.internal.json.JsonWriter;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code tlskit cert show} tells about one certificate, printable as text or as a JSON object. */
record CertInfo(String subject, String issuer, String serial, Instant notBefore, Instant notAfter, String status,
    String keyType, String keyAlgorithm, int keyBits, String signatureAlgorithm, boolean ca, Integer pathLength,
    boolean selfSigned, List<String> subjectAltNames, List<String> keyUsage, List<String> extendedKeyUsage,
    String sha256, String spkiPin) {

  private static final String[] KEY_USAGE_NAMES = {"digitalSignature", "nonRepudiation", "keyEncipherment",
      "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"};
  private static final Map<String, String> EKU_NAMES = Map.of(
      "1.3.6.1.5.5.7.3.1", "serverAuth", "1.3.6.1.5.5.7.3.2", "clientAuth", "1.3.6.1.5.5.7.3.3", "codeSigning",
      "1.3.6.1.5.5.7.3.4", "emailProtection", "1.3.6.1.5.5.7.3.8", "timeStamping", "1.3.6.1.5.5.7.3.9",
      "OCSPSigning", "2.5.29.37.0", "anyExtendedKeyUsage");
  private static final Map<Integer, String> SAN_TYPES = Map.of(
      0, "otherName", 1, "email", 2, "DNS", 3, "x400", 4, "dirName", 5, "ediParty", 6, "URI", 7, "IP", 8, "RID");

  /** Describes {@code c}, judging validity at the current time. */
  static CertInfo of(X509Certificate c) {
    Instant now = Instant.now();
    Instant from = c.getNotBefore().toInstant();
    Instant until = c.getNotAfter().toInstant();
    String status = now.isBefore(from) ? "not yet valid" : now.isAfter(until) ? "expired" : "valid";
    int bc = c.getBasicConstraints();
    List<String> ku = new ArrayList<>();
    boolean[] bits = c.getKeyUsage();
    if (bits != null) {
      for (int i = 0; i < bits.length && i < KEY_USAGE_NAMES.length; i++) if (bits[i]) ku.add(KEY_USAGE_NAMES[i]);
    }
    List<String> eku = new ArrayList<>();
    List<String> sans = new ArrayList<>();
    try {
      if (c.getExtendedKeyUsage() != null) {
        for (String oid : c.getExtendedKeyUsage()) eku.add(EKU_NAMES.getOrDefault(oid, oid));
      }
      if (c.getSubjectAlternativeNames() != null) {
        for (List<?> san : c.getSubjectAlternativeNames()) {
          Object value = san.get(1);
          sans.add(SAN_TYPES.getOrDefault((Integer) san.get(0), "?") + ":"
              + (value instanceof String s ? s : HexFormat.of().formatHex((byte[]) value)));
        }
      }
    } catch (CertificateParsingException e) {
      sans.add("(unparseable: " + e.getMessage() + ")");
    }
    boolean selfSigned = c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
    return new CertInfo(c.getSubjectX500Principal().getName(), c.getIssuerX500Principal().getName(),
        HexFormat.ofDelimiter(":").withUpperCase().formatHex(c.getSerialNumber().toByteArray()), from, until, status,
        Keys.describe(c.getPublicKey()), Keys.family(c.getPublicKey()), Keys.bits(c.getPublicKey()),
        c.getSigAlgName(), bc >= 0, bc >= 0 && bc != Integer.MAX_VALUE ? bc : null, selfSigned, List.copyOf(sans),
        List.copyOf(ku), List.copyOf(eku), Fingerprints.sha256(c), Fingerprints.spkiPin(c));
  }

  /** Returns the human form: one aligned "Label: value" line per field, indented by two spaces. */
  String toText() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("Subject", subject);
    f.put("Issuer", issuer + (selfSigned ? " (self-signed)" : ""));
    f.put("Serial", serial);
    f.put("Valid", notBefore + " to " + notAfter + " (" + status.toUpperCase(java.util.Locale.ROOT) + ")");
    f.put("Key", keyType);
    f.put("Signature", signatureAlgorithm);
    f.put("CA", !ca ? "no" : pathLength == null ? "yes, any path length" : "yes, path length " + pathLength);
    f.put("Alt names", sans());
    f.put("Key usage", keyUsage.isEmpty() ? "(none)" : String.join(", ", keyUsage));
    f.put("Ext. key usage", extendedKeyUsage.isEmpty() ? "(none)" : String.join(", ", extendedKeyUsage));
    f.put("SHA-256", sha256);
    f.put("SPKI pin", spkiPin);
    StringBuilder sb = new StringBuilder();
    f.forEach((k, v) -> sb.append(String.format("  %-15s %s%n", k + ":", v)));
    return sb.toString();
  }

  private String sans() {
    return subjectAltNames.isEmpty() ? "(none)" : String.join(", ", subjectAltNames);
  }

  /** Returns the JSON object form, with the same fields; absent values are {@code null}, lists are arrays. */
  String toJson() {
    return new JsonWriter().beginObject()
        .member("subject", subject).member("issuer", issuer).member("serial", serial)
        .member("notBefore", notBefore).member("notAfter", notAfter).member("status", status)
        .member("keyType", keyType).member("keyAlgorithm", keyAlgorithm).member("keyBits", keyBits)
        .member("signatureAlgorithm", signatureAlgorithm).member("ca", ca).member("pathLength", pathLength)
        .member("selfSigned", selfSigned).member("subjectAltNames", subjectAltNames)
        .member("keyUsage", keyUsage).member("extendedKeyUsage", extendedKeyUsage)
        .member("sha256", sha256).member("spkiPin", spkiPin)
        .endObject().toString();
  }
}
