package dev.tlskit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * SoftHSM2 tokens for tests, made with its own tools: {@code softhsm2-util --init-token}, then {@code pkcs11-tool}
 * (opensc) generates key pairs inside the token and writes certificates to it; the private key never leaves it.
 *
 * <p>SoftHSM reads {@code SOFTHSM2_CONF} once per process (when the JDK first loads its module), so the build gives
 * each test JVM its own (the parent pom's surefire {@code environmentVariables}: under {@code target/}); every token
 * here is a fresh one with a label of its own in that directory. Skipped (failed under
 * {@code -Dtlskit.requirePeers=true}) when SoftHSM2 or pkcs11-tool is missing: run scripts/install-peers.
 */
public final class SoftHsm {
  public static final String MODULE = "/usr/lib/softhsm/libsofthsm2.so";
  private static final AtomicInteger COUNT = new AtomicInteger();

  private SoftHsm() {}

  /** A token in the test JVM's SoftHSM, in the slot SoftHSM gave it, logged into with {@link #pin}. */
  public record Token(String label, long slot, String pin) {
    /** Generates a key pair inside the token ({@code "EC:prime256v1"}, {@code "rsa:2048"}); returns its public half. */
    public PublicKey generateKeyPair(String id, String keyType) {
      run("pkcs11-tool", "--module", MODULE, "--slot", Long.toString(slot), "--login", "--pin", pin, "--keypairgen",
          "--key-type", keyType, "--id", id, "--label", "key-" + id);
      Path der = temp("pub", ".der");
      try {
        run("pkcs11-tool", "--module", MODULE, "--slot", Long.toString(slot), "--read-object", "--type", "pubkey",
            "--id", id, "-o", der.toString());
        byte[] spki = Files.readAllBytes(der);
        String alg = keyType.toUpperCase().startsWith("EC") ? "EC" : "RSA";
        return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(spki));
      } catch (Exception e) {
        throw new IllegalStateException("cannot read the public key " + id + " from token " + label, e);
      } finally {
        delete(der);
      }
    }

    /** Writes {@code cert} to the token under {@code id} (the id of its key) and {@code label} (the JDK's alias). */
    public void writeCertificate(String id, String alias, X509Certificate cert) {
      Path der = temp("cert", ".der");
      try {
        Files.write(der, cert.getEncoded());
        run("pkcs11-tool", "--module", MODULE, "--slot", Long.toString(slot), "--login", "--pin", pin,
            "--write-object", der.toString(), "--type", "cert", "--id", id, "--label", alias);
      } catch (Exception e) {
        throw new IllegalStateException("cannot write a certificate to token " + label, e);
      } finally {
        delete(der);
      }
    }

    /** Returns what pkcs11-tool says of the private key {@code id}'s access ("sensitive, ... never extractable"). */
    public String privateKeyAccess(String id) {
      String out = run("pkcs11-tool", "--module", MODULE, "--slot", Long.toString(slot), "--login", "--pin", pin,
          "--list-objects", "--type", "privkey", "--id", id);
      Matcher m = Pattern.compile("Access:\\s*(.*)").matcher(out);
      return m.find() ? m.group(1).trim() : out;
    }

    /** Writes a SunPKCS11 configuration for this token into {@code dir} and returns its path. */
    public Path sunPkcs11Config(Path dir) {
      try {
        return Files.writeString(dir.resolve(label + ".cfg"),
            "name = " + label + "\nlibrary = " + MODULE + "\nslot = " + slot + "\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Skips (or fails) the calling test unless SoftHSM2, its module and pkcs11-tool are installed. */
  public static void require() {
    boolean present = Files.isExecutable(Path.of("/usr/bin/softhsm2-util")) && Files.isReadable(Path.of(MODULE))
        && Files.isExecutable(Path.of("/usr/bin/pkcs11-tool")) && System.getenv("SOFTHSM2_CONF") != null;
    String what = "SoftHSM2 (softhsm2-util, " + MODULE + "), pkcs11-tool and SOFTHSM2_CONF (set by the build)";
    if (!present && Boolean.getBoolean("tlskit.requirePeers")) {
      throw new AssertionError(what + " are required (-Dtlskit.requirePeers=true); run scripts/install-peers");
    }
    Assumptions.assumeTrue(present, what + " missing; run scripts/install-peers");
  }

  /** Initialises a fresh token with user PIN {@code pin}. */
  public static Token newToken(String pin) {
    require();
    Path conf = Path.of(System.getenv("SOFTHSM2_CONF"));
    try {
      Path tokens = conf.resolveSibling("tokens");
      Files.createDirectories(tokens);
      if (!Files.exists(conf)) {
        Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String label = "tlskit-" + ProcessHandle.current().pid() + "-" + COUNT.incrementAndGet();
    String out = run("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin",
        "so-" + pin);
    Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(out);
    if (!m.find()) throw new IllegalStateException("softhsm2-util did not name the new token's slot: " + out);
    return new Token(label, Long.parseLong(m.group(1)), pin);
  }

  private static String run(String... command) {
    try {
      Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        List<String> shown = new ArrayList<>(List.of(command));
        throw new IllegalStateException(String.join(" ", shown) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path temp(String prefix, String suffix) {
    try {
      return Files.createTempFile(prefix, suffix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a temp file of a test
    }
  }
}
