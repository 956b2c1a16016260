package dev.tlskit.examples;

import dev.tlskit.CertifiedKey;
import dev.tlskit.ServerCertificates;
import dev.tlskit.certs.HeldCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The certificates the example tests use, built in the test and written as PEM files into a temp directory. */
final class Pki {
  final HeldCertificate ca = HeldCertificate.root("Examples CA");
  final HeldCertificate server = HeldCertificate.builder().commonName("localhost").addDnsName("localhost")
      .addIpAddress("127.0.0.1").validFor(Duration.ofDays(90)).signedBy(ca).build();
  final HeldCertificate alice = HeldCertificate.builder().commonName("alice").addEmail("alice@example.test")
      .signedBy(ca).build();
  final HeldCertificate bob = HeldCertificate.builder().commonName("bob").addEmail("bob@example.test")
      .signedBy(ca).build();
  final Path caPem;
  final Path serverPem;
  final Path serverKey;

  Pki(Path dir) throws IOException {
    caPem = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    serverPem = Files.writeString(dir.resolve("server.pem"), server.certificatePem());
    serverKey = Files.writeString(dir.resolve("server-key.pem"), server.privateKeyPkcs8Pem());
  }

  static ServerCertificates certificates(HeldCertificate leaf) throws IOException {
    return ServerCertificates.of(CertifiedKey.of(leaf.privateKey(), leaf.chain()));
  }
}
