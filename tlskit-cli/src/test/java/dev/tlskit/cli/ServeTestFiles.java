package dev.tlskit.cli;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Certificate files for serve tests, made by one openssl script (until tlskit-certs' builder is on main): ca.pem,
 * server.pem (chain) + server.key for localhost/127.0.0.1, alice.pem + alice.key (client), and a second CA's client
 * mallory.pem + mallory.key.
 */
final class ServeTestFiles {
  private static final String SCRIPT = """
      set -e
      ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
      ca() { openssl req -x509 $ec -keyout $1.key -out $1.pem -subj "/CN=$2" -days 120 \\
          -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign; }
      leaf() { # name cn issuer extensions
        printf "basicConstraints=CA:FALSE\\nkeyUsage=critical,digitalSignature\\n$4\\n" > $1.ext
        openssl req -new $ec -keyout $1.key -out $1.csr -subj "/CN=$2"
        openssl x509 -req -in $1.csr -CA $3.pem -CAkey $3.key -set_serial $RANDOM -days 120 -extfile $1.ext -out $1.crt
        cat $1.crt $3.pem > $1.pem
      }
      ca ca "Serve Test CA"
      ca other "Other CA"
      leaf server localhost ca "extendedKeyUsage=serverAuth\\nsubjectAltName=DNS:localhost,IP:127.0.0.1"
      leaf alice alice ca "extendedKeyUsage=clientAuth"
      leaf mallory mallory other "extendedKeyUsage=clientAuth"
      """;

  private ServeTestFiles() {}

  static void create(Path dir) throws Exception {
    PeerProcess.Result r = PeerProcess.run(Duration.ofSeconds(60), dir, "/bin/bash", "-c",
        "command -v openssl >/dev/null || exit 99\n" + SCRIPT);
    if (r.code() == 99) PeerProcess.require("openssl");
    if (r.code() != 0) throw new AssertionError("making test certificates failed:\n" + r.output());
  }
}
