package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.CertifiedKey;
import dev.tlskit.certs.ExtendedKeyUsage;
import dev.tlskit.certs.Fingerprints;
import dev.tlskit.certs.HeldCertificate;
import dev.tlskit.certs.KeyFiles;
import dev.tlskit.certs.KeyType;
import dev.tlskit.certs.Keys;
import dev.tlskit.certs.Pem;
import dev.tlskit.certs.Pkcs12;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Drives {@code tlskit cert ca|issue|show} in-process through {@link Main#run}. */
class CertCommandTest {
  /** Set by tlskit-cli's pom for the test JVM: passwords only ever come from the environment. */
  private static final String PASSWORD_VAR = "TLSKIT_TEST_PASSWORD";
  private static final Set<PosixFilePermission> OWNER_ONLY =
      Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  @TempDir Path dir;

  private static char[] password() {
    return System.getenv(PASSWORD_VAR).toCharArray();
  }

  private Path ca(String... extra) {
    Path ca = dir.resolve("ca");
    String[] args = concat(new String[] {"cert", "ca", "--out", ca.toString()}, extra);
    MainTest.Result r = MainTest.run(args);
    assertThat(r.code()).as(r.err()).isZero();
    return ca;
  }

  @Test
  void caWritesACertificateAndAnOwnerOnlyKey() throws Exception {
    Path ca = ca("--name", "Test CA", "--key-type", "ec-p384", "--days", "30");

    X509Certificate cert = Pem.readCertificates(ca.resolve("ca.pem")).get(0);
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=Test CA");
    assertThat(cert.getBasicConstraints()).isZero();
    assertThat(Keys.describe(cert.getPublicKey())).isEqualTo("EC P-384");
    assertThat(cert.getNotAfter().toInstant())
        .isBetween(Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(31)));
    assertThat(Files.getPosixFilePermissions(ca.resolve("ca-key.pem"))).isEqualTo(OWNER_ONLY);
    assertThat(KeyFiles.readPem(ca.resolve("ca.pem"), ca.resolve("ca-key.pem"), null).leaf())
        .isEqualTo(cert);
  }

  @Test
  void caKeepsAnExistingCaUnlessForced() throws Exception {
    Path ca = ca("--name", "Keep Me");
    byte[] before = Files.readAllBytes(ca.resolve("ca-key.pem"));
    MainTest.Result again = MainTest.run("cert", "ca", "--out", ca.toString());
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("Keeping the existing CA 'CN=Keep Me' in " + ca).contains("--force");
    assertThat(Files.readAllBytes(ca.resolve("ca-key.pem"))).isEqualTo(before);
    assertThat(MainTest.run("cert", "ca", "--out", ca.toString(), "--force").code()).isZero();
    assertThat(Files.readAllBytes(ca.resolve("ca-key.pem"))).isNotEqualTo(before);
  }

  @Test
  void caRefusesToReplaceAHalfCaOrABrokenOne() throws Exception {
    Path half = Files.createDirectory(dir.resolve("half"));
    Files.writeString(half.resolve("ca-key.pem"), "precious");
    assertUsageError(new String[] {"cert", "ca", "--out", half.toString()},
        half.resolve("ca-key.pem") + " already exists; use --force");
    assertThat(Files.readString(half.resolve("ca-key.pem"))).isEqualTo("precious");
    Files.writeString(half.resolve("ca.pem"), "not a cert");
    assertUsageError(new String[] {"cert", "ca", "--out", half.toString()},
        half.resolve("ca.pem") + ": expected a PEM certificate, found text without any PEM block");
  }

  @Test
  void issueWritesAChainThatValidatesAKeyAndAPkcs12() throws Exception {
    Path ca = ca();
    Path out = dir.resolve("leaf");
    MainTest.Result r = MainTest.run("cert", "issue", "--ca", ca.toString(), "--name", "localhost", "--name",
        "*.localhost", "--ip", "127.0.0.1", "--ip", "::1", "--out", out.toString(), "--password-env", PASSWORD_VAR);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("cert.pem").contains("key.pem").contains("cert.p12");

    CertifiedKey pem = KeyFiles.readPem(out.resolve("cert.pem"), out.resolve("key.pem"), null);
    X509Certificate leaf = pem.leaf();
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    assertThat(leaf.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(2, "localhost"),
        List.of(2, "*.localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
    assertThat(leaf.getExtendedKeyUsage()).containsExactly(ExtendedKeyUsage.SERVER_AUTH.oid());
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(Files.getPosixFilePermissions(out.resolve("key.pem"))).isEqualTo(OWNER_ONLY);
    assertThat(Files.getPosixFilePermissions(out.resolve("cert.p12"))).isEqualTo(OWNER_ONLY);
    validates(Pem.readCertificates(ca.resolve("ca.pem")).get(0), pem.chain());

    CertifiedKey p12 = KeyFiles.readPkcs12(out.resolve("cert.p12"), password(), "localhost");
    assertThat(p12.chain()).isEqualTo(pem.chain());
    assertThat(p12.privateKey().getEncoded()).isEqualTo(pem.privateKey().getEncoded());
  }

  @Test
  void issueWithoutPasswordWritesNoPkcs12AndSaysHowToGetOne() throws Exception {
    Path out = dir.resolve("leaf");
    MainTest.Result r = MainTest.run("cert", "issue", "--ca", ca().toString(), "--name", "localhost",
        "--out", out.toString());
    assertThat(r.code()).isZero();
    assertThat(out.resolve("cert.p12")).doesNotExist();
    assertThat(r.out()).contains("no PKCS#12 written: add --password-env VAR");
  }

  @Test
  void clientAndServerFlagsChooseTheExtendedKeyUsage() throws Exception {
    Path ca = ca();
    assertThat(issueEku(ca, "c", "--client")).containsExactly(ExtendedKeyUsage.CLIENT_AUTH.oid());
    assertThat(issueEku(ca, "cs", "--client", "--server"))
        .containsExactlyInAnyOrder(ExtendedKeyUsage.CLIENT_AUTH.oid(), ExtendedKeyUsage.SERVER_AUTH.oid());
  }

  private List<String> issueEku(Path ca, String name, String... flags) throws Exception {
    Path out = dir.resolve(name);
    String[] args = concat(new String[] {"cert", "issue", "--ca", ca.toString(), "--email", "me@example.test",
        "--out", out.toString()}, flags);
    assertThat(MainTest.run(args).code()).isZero();
    return Pem.readCertificates(out.resolve("cert.pem")).get(0).getExtendedKeyUsage();
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void everyKeyTypeWorksForCaAndLeaf(KeyType type) throws Exception {
    Path ca = ca("--key-type", type.cliName());
    Path out = dir.resolve("leaf");
    MainTest.Result r = MainTest.run("cert", "issue", "--ca", ca.toString(), "--name", "localhost", "--key-type",
        type.cliName(), "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    MainTest.Result show = MainTest.run("cert", "show", out.resolve("cert.pem").toString());
    assertThat(show.out()).containsPattern("Key: +" + type);
    validates(Pem.readCertificates(ca.resolve("ca.pem")).get(0), Pem.readCertificates(out.resolve("cert.pem")));
  }

  @Test
  void leafValidityIsCappedAtTheCaEnd() throws Exception {
    Path ca = ca("--days", "10");
    Path out = dir.resolve("leaf");
    MainTest.Result r = MainTest.run("cert", "issue", "--ca", ca.toString(), "--name", "localhost", "--days", "100",
        "--out", out.toString());
    assertThat(r.code()).isZero();
    assertThat(r.err()).contains("validity shortened to the CA's end");
    assertThat(Pem.readCertificates(out.resolve("cert.pem")).get(0).getNotAfter())
        .isEqualTo(Pem.readCertificates(ca.resolve("ca.pem")).get(0).getNotAfter());
  }

  @Test
  void encryptedCaKeyNeedsItsPassword() throws Exception {
    Path ca = ca("--password-env", PASSWORD_VAR);
    assertThat(Files.readString(ca.resolve("ca-key.pem"))).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    Path out = dir.resolve("leaf");
    MainTest.Result without = MainTest.run("cert", "issue", "--ca", ca.toString(), "--name", "localhost",
        "--out", out.toString());
    assertThat(without.code()).isEqualTo(2);
    assertThat(without.err()).contains(ca.resolve("ca-key.pem") + ": the private key is encrypted");
    MainTest.Result with = MainTest.run("cert", "issue", "--ca", ca.toString(), "--ca-password-env", PASSWORD_VAR,
        "--name", "localhost", "--out", out.toString());
    assertThat(with.code()).as(with.err()).isZero();
  }

  @Test
  void badInputsAreUsageErrorsNamingTheValueOrFile() throws Exception {
    Path ca = ca();
    Path out = dir.resolve("leaf");
    assertUsageError(new String[] {"cert", "issue", "--ca", ca.toString(), "--ip", "300.1.2.3", "--out",
        out.toString()}, "300.1.2.3");
    assertUsageError(new String[] {"cert", "issue", "--ca", ca.toString(), "--out", out.toString()},
        "at least one --name");
    assertUsageError(new String[] {"cert", "ca", "--out", out.toString(), "--days", "0"},
        "--days must be between 1 and 36500: 0");
    assertUsageError(new String[] {"cert", "issue", "--ca", ca.toString(), "--name", "x", "--days", "99999999",
        "--out", out.toString()}, "--days must be between 1 and 36500: 99999999");
    assertUsageError(new String[] {"cert", "ca", "--out", out.toString(), "--key-type", "dsa"},
        "unknown key type 'dsa', expected one of: ec-p256, ec-p384, ed25519, rsa2048, rsa3072, rsa4096");
    assertUsageError(new String[] {"cert", "issue", "--ca", dir.resolve("nope").toString(), "--name", "x",
        "--out", out.toString()}, "expected a CA directory");
    assertUsageError(new String[] {"cert", "issue", "--ca", ca.toString(), "--name", "x", "--out", out.toString(),
        "--password-env", "TLSKIT_SURELY_UNSET_VARIABLE"}, "TLSKIT_SURELY_UNSET_VARIABLE, which is not set");

    Files.copy(ca.resolve("ca-key.pem"), ca.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertUsageError(new String[] {"cert", "issue", "--ca", ca.toString(), "--name", "x", "--out", out.toString()},
        ca.resolve("ca.pem") + ": expected a PEM certificate, found a PEM 'PRIVATE KEY' block");
  }

  @Test
  void issueRefusesALeafDirectoryAsCa() throws Exception {
    Path out = dir.resolve("leaf");
    MainTest.run("cert", "issue", "--ca", ca().toString(), "--name", "localhost", "--out", out.toString());
    Path fake = Files.createDirectory(dir.resolve("fake-ca"));
    Files.copy(out.resolve("cert.pem"), fake.resolve("ca.pem"));
    Files.copy(out.resolve("key.pem"), fake.resolve("ca-key.pem"));
    assertUsageError(new String[] {"cert", "issue", "--ca", fake.toString(), "--name", "x", "--out",
        dir.resolve("x").toString()}, "expected a CA certificate, found one with CA:false");
  }

  @Test
  void showPrintsEveryCertificateOfAChain() throws Exception {
    HeldCertificate root = HeldCertificate.root("Show Root");
    HeldCertificate ca = HeldCertificate.intermediate("Show CA", root);
    HeldCertificate leaf = HeldCertificate.builder().commonName("show.test").signedBy(ca)
        .addSubjectAlternativeName("show.test").addSubjectAlternativeName("10.0.0.1")
        .addSubjectAlternativeName("ops@show.test").extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).build();
    Path file = dir.resolve("chain.pem");
    Pem.writeCertificates(file, leaf.fullChain());

    MainTest.Result r = MainTest.run("cert", "show", file.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Certificate 1 of 3 in " + file).contains("Certificate 3 of 3")
        .contains("Subject:        CN=show.test").contains("Issuer:         CN=Show CA")
        .contains("Alt names:      DNS:show.test, IP:10.0.0.1, email:ops@show.test")
        .contains("Ext. key usage: clientAuth").contains("Key usage:      digitalSignature")
        .contains("CA:             yes, path length 0").contains("CN=Show Root (self-signed)")
        .contains("Key:            EC P-256").contains("(VALID)")
        .contains("SHA-256:        " + Fingerprints.sha256(leaf.certificate()))
        .contains("SPKI pin:       " + Fingerprints.spkiPin(leaf.certificate()))
        .contains("Serial:         " + java.util.HexFormat.ofDelimiter(":").withUpperCase()
            .formatHex(leaf.certificate().getSerialNumber().toByteArray()));
  }

  @Test
  void showJsonHasOneObjectPerCertificate() throws Exception {
    HeldCertificate root = HeldCertificate.root("Json \"Root\"");
    HeldCertificate expired = HeldCertificate.builder().commonName("old.test").addDnsName("old.test").expired()
        .keyType(KeyType.RSA_2048).signedBy(root).build();
    Path file = dir.resolve("chain.pem");
    Pem.writeCertificates(file, List.of(expired.certificate(), root.certificate()));

    MainTest.Result r = MainTest.run("cert", "show", "--json", file.toString());
    assertThat(r.code()).isZero();
    String json = r.out().strip();
    assertThat(json).startsWith("[{").endsWith("}]");
    assertThat(json.split("\\},\\s*\\{")).hasSize(2);
    assertThat(json).contains("\"subject\":\"CN=old.test\"", "\"status\":\"expired\"", "\"keyType\":\"RSA 2048\"",
        "\"keyAlgorithm\":\"RSA\"", "\"keyBits\":2048", "\"subjectAltNames\":[\"DNS:old.test\"]",
        "\"extendedKeyUsage\":[\"serverAuth\",\"clientAuth\"]", "\"ca\":false", "\"pathLength\":null",
        "\"issuer\":\"CN=Json \\\\\\\"Root\\\\\\\"\"", "\"ca\":true",
        "\"spkiPin\":\"" + Fingerprints.spkiPin(expired.certificate()) + "\"");
  }

  @Test
  void showReadsPkcs12WithPasswordFromEnvironment() throws Exception {
    HeldCertificate leaf = HeldCertificate.leaf(HeldCertificate.root("p12 root"), "p12.test");
    Path p12 = dir.resolve("x.p12");
    Pkcs12.write(p12, leaf.certifiedKey(), "x", password());

    MainTest.Result ok = MainTest.run("cert", "show", p12.toString(), "--password-env", PASSWORD_VAR);
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("CN=p12.test");
    MainTest.Result noPassword = MainTest.run("cert", "show", p12.toString());
    assertThat(noPassword.code()).isEqualTo(2);
    assertThat(noPassword.err()).contains(p12 + ": the PKCS#12 file is encrypted").contains("--password-env");
    MainTest.Result wrong = MainTest.run("cert", "show", p12.toString(), "--password-env", "HOME");
    assertThat(wrong.code()).isEqualTo(2);
    assertThat(wrong.err()).contains(p12 + ": wrong password or corrupted PKCS#12 file");
  }

  @Test
  void showOfGarbageMissingAndTruncatedFilesIsExitTwo() throws Exception {
    Path garbage = Files.write(dir.resolve("garbage.pem"), new byte[] {0, 1, 2, 3, (byte) 0xff});
    assertUsageError(new String[] {"cert", "show", garbage.toString()},
        garbage + ": expected a PEM certificate bundle or a PKCS#12 trust store, found binary data that is not DER");
    Path missing = dir.resolve("missing.pem");
    assertUsageError(new String[] {"cert", "show", missing.toString()}, missing + ": no such file");
    String pem = HeldCertificate.root("cut").certificatePem();
    Path cut = Files.writeString(dir.resolve("cut.pem"), pem.substring(0, pem.length() - 40));
    assertUsageError(new String[] {"cert", "show", cut.toString()},
        cut + ": expected a PEM certificate, found a truncated PEM 'CERTIFICATE' block (no END line)");
  }

  @Test
  void opensslVerifiesAndReadsWhatTheCliWrote() throws Exception {
    Assumptions.assumeTrue(onPath("openssl") || Boolean.getBoolean("tlskit.requirePeers"),
        "openssl is not installed");
    Path ca = ca();
    Path out = dir.resolve("leaf");
    assertThat(MainTest.run("cert", "issue", "--ca", ca.toString(), "--name", "localhost", "--ip", "127.0.0.1",
        "--out", out.toString(), "--password-env", PASSWORD_VAR).code()).isZero();
    assertThat(openssl("verify", "-CAfile", ca.resolve("ca.pem").toString(), "-verify_ip", "127.0.0.1",
        "-purpose", "sslserver", out.resolve("cert.pem").toString())).contains("OK");
    assertThat(openssl("pkcs12", "-in", out.resolve("cert.p12").toString(), "-passin", "env:" + PASSWORD_VAR,
        "-nodes")).contains("BEGIN PRIVATE KEY").contains("CN = localhost");
  }

  /**
   * GnuTLS (Exim, Courier, GNU mailutils) and OpenSSL load the CA key and the leaf key the CLI writes, of every key
   * type it offers: GnuTLS refused EC keys written without their optional public key.
   */
  @ParameterizedTest
  @EnumSource(KeyType.class)
  void gnutlsAndOpensslLoadEveryKeyTheCliWrites(KeyType type) throws Exception {
    Assumptions.assumeTrue(onPath("openssl") && onPath("certtool") || Boolean.getBoolean("tlskit.requirePeers"),
        "openssl or GnuTLS certtool is not installed");
    Path ca = ca("--key-type", type.cliName());
    Path out = dir.resolve("leaf");
    MainTest.Result r = MainTest.run("cert", "issue", "--ca", ca.toString(), "--name", "localhost", "--key-type",
        type.cliName(), "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    for (Path key : List.of(ca.resolve("ca-key.pem"), out.resolve("key.pem"))) {
      assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
      assertThat(run("certtool", "-k", "--infile", key.toString())).contains("Public Key ID");
      assertThat(run("openssl", "pkey", "-in", key.toString(), "-noout")).isEmpty();
    }
  }

  private static String openssl(String... args) throws Exception {
    return run("openssl", args);
  }

  private static String run(String program, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(program));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }

  private static boolean onPath(String command) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, command))) return true;
    }
    return false;
  }

  private static void assertUsageError(String[] args, String message) {
    MainTest.Result r = MainTest.run(args);
    assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isEqualTo(2);
    assertThat(r.err()).contains(message).doesNotContain("Exception");
  }

  private static void validates(X509Certificate root, List<X509Certificate> chain) throws Exception {
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
