package dev.tlskit.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * GnuTLS (as Exim, Courier and GNU mailutils use it) and OpenSSL both load every private key file TlsKit writes, for
 * every key type: plain and encrypted PKCS#8, the traditional forms and PKCS#12. GnuTLS refuses an EC key whose SEC1
 * structure leaves out the optional public key ("ASN1 parser: Element was not found"), which the JDK's own encoding
 * does.
 */
class KeyFileInteropTest {
  private static final String PASSWORD = "interop password";
  private static final Map<String, String> ENV = Map.of("TLSKIT_TEST_PASS", PASSWORD);

  @TempDir Path dir;

  @BeforeAll
  static void needsOpenSslAndGnuTls() {
    OpenSsl.require();
    OpenSsl.require("certtool");
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void gnutlsAndOpensslLoadEveryPemKeyWeWrite(KeyType type) throws Exception {
    HeldCertificate held = HeldCertificate.builder().commonName("localhost").addSubjectAlternativeName("localhost")
        .keyPair(TestKeys.pair(type, 0)).build();
    Pem.writePrivateKey(dir.resolve("key.pem"), held.privateKey(), null);
    Pem.writePrivateKey(dir.resolve("encrypted.pem"), held.privateKey(), PASSWORD.toCharArray());
    Files.writeString(dir.resolve("held.pem"), held.privateKeyPkcs8Pem());
    KeyFiles.writePem(held.certifiedKey(), dir.resolve("material-cert.pem"), dir.resolve("material.pem"), null);
    List<String> plain = new java.util.ArrayList<>(List.of("key.pem", "held.pem", "material.pem"));
    if (type != KeyType.ED25519) { // Ed25519 has no traditional form
      Files.writeString(dir.resolve("traditional.pem"), Pem.encodeTraditionalPrivateKey(held.privateKey()));
      plain.add("traditional.pem");
    }
    String keyId = keyId(held);

    for (String file : plain) {
      assertThat(Files.readString(dir.resolve(file))).as(file)
          .startsWith(file.equals("traditional.pem") ? "-----BEGIN " : "-----BEGIN PRIVATE KEY-----");
      assertThat(certtool(file, "-k", "--infile", file)).as(file).contains(keyId);
      assertThat(openssl(file, "pkey", "-in", file, "-noout")).as(file).isEmpty();
      assertThat(openssl(file, "pkey", "-in", file, "-pubout")).as(file).isEqualTo(publicKeyPem(held));
    }
    // certtool -k only prints an encrypted Ed25519 key's structure; --load-privkey loads it as GnuTLS servers do.
    assertThat(certtool("encrypted.pem", "--pubkey-info", "--load-privkey", "encrypted.pem", "--password", PASSWORD))
        .contains(keyId);
    assertThat(openssl("encrypted.pem", "pkey", "-in", "encrypted.pem", "-passin", "env:TLSKIT_TEST_PASS",
        "-pubout")).isEqualTo(publicKeyPem(held));
    // What we write, we read back (the reading side accepts every form, as before).
    for (String file : plain) {
      assertThat(TestKeys.belong(Pem.readPrivateKey(dir.resolve(file), null), held.certificate().getPublicKey()))
          .as(file).isTrue();
    }
    assertThat(TestKeys.belong(Pem.readPrivateKey(dir.resolve("encrypted.pem"), PASSWORD.toCharArray()),
        held.certificate().getPublicKey())).isTrue();
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void gnutlsAndOpensslLoadTheKeyOfEveryPkcs12WeWrite(KeyType type) throws Exception {
    HeldCertificate held = HeldCertificate.builder().commonName("localhost").addSubjectAlternativeName("localhost")
        .keyPair(TestKeys.pair(type, 0)).build();
    KeyFiles.writePkcs12(held.certifiedKey(), dir.resolve("cert.p12"), "localhost", PASSWORD.toCharArray());

    // certtool prints the shrouded key bag as encrypted PKCS#8 PEM without decrypting it; that key must then load.
    String info = certtool("cert.p12", "--p12-info", "--inder", "--infile", "cert.p12", "--password", PASSWORD);
    int begin = info.indexOf("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    assertThat(begin).as(info).isNotNegative();
    String end = "-----END ENCRYPTED PRIVATE KEY-----";
    Files.writeString(dir.resolve("from-p12.pem"), info.substring(begin, info.indexOf(end, begin) + end.length())
        + "\n");
    assertThat(certtool("from-p12.pem", "--pubkey-info", "--load-privkey", "from-p12.pem", "--password", PASSWORD))
        .contains(keyId(held));
    OpenSsl.ok(dir, ENV, "pkcs12", "-in", "cert.p12", "-passin", "env:TLSKIT_TEST_PASS", "-nodes", "-nocerts",
        "-out", "openssl-p12.pem");
    assertThat(openssl("cert.p12", "pkey", "-in", "openssl-p12.pem", "-pubout")).isEqualTo(publicKeyPem(held));
  }

  /** Returns what certtool prints as the key's "Public Key ID": SHA-256 of the SubjectPublicKeyInfo. */
  private static String keyId(HeldCertificate held) throws Exception {
    byte[] spki = held.certificate().getPublicKey().getEncoded();
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki));
  }

  private static String publicKeyPem(HeldCertificate held) {
    String base64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(held.certificate().getPublicKey().getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
  }

  private String certtool(String file, String... args) throws Exception {
    OpenSsl.Result r = OpenSsl.runProgram("certtool", dir, Map.of(), args);
    assertThat(r.exitCode()).as("certtool " + String.join(" ", args) + " on " + file + ":\n" + r.output()).isZero();
    return r.output();
  }

  private String openssl(String file, String... args) throws Exception {
    OpenSsl.Result r = OpenSsl.run(dir, ENV, args);
    assertThat(r.exitCode()).as("openssl " + String.join(" ", args) + " on " + file + ":\n" + r.output()).isZero();
    return r.output();
  }
}
