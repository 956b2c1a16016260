package dev.tlskit.cli;

import dev.tlskit.probe.TlsVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs testssl.sh (the Debian package, 3.0.8) against one loopback target and reads its JSON file: the finding of
 * each id, and the cipher suites it found per protocol version (from {@code -E}). Only the flags whose ids the
 * comparison uses are given (see {@link #FLAGS}); {@code --fast} is not used because it drops the per-version
 * cipher order.
 */
final class ProbeCommandTestssl {
  /**
   * The testssl.sh checks run: protocols and ALPN ({@code -p}), the NULL/anon/export cipher lists ({@code -s}), forward
   * secrecy and groups ({@code -f}), suites per version ({@code -E}), cipher order ({@code -P}), server defaults:
   * certificate, resumption, extensions, OCSP stapling ({@code -S}), secure renegotiation ({@code -R}), SWEET32
   * ({@code -W}) and RC4 ({@code -4}). 40 to 200 s per target on the shared 2-core machine, by load.
   */
  static final List<String> FLAGS = List.of("-p", "-s", "-f", "-E", "-P", "-S", "-R", "-W", "-4");

  private static final Pattern OBJECT = Pattern.compile("\\{([^{}]*)}");
  private static final Pattern PAIR = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern CIPHER_ID = Pattern.compile("cipher-(tls1(?:_[123])?)_x([0-9a-f]+)");
  private static final Map<String, TlsVersion> VERSION_KEYS = Map.of("tls1", TlsVersion.TLS_1_0, "tls1_1",
      TlsVersion.TLS_1_1, "tls1_2", TlsVersion.TLS_1_2, "tls1_3", TlsVersion.TLS_1_3);

  /** One suite testssl.sh found: IANA code, OpenSSL name, and the DH prime size (-1 unless "DH n"). */
  record Cipher(int code, String openssl, int dhBits) {}

  /** What one testssl.sh run reported: id to finding (the first of repeated ids), and suites per version. */
  record Result(Map<String, String> findings, Map<TlsVersion, List<Cipher>> ciphers, String file) {
    /** Returns the finding of {@code id}, or null when testssl.sh did not report it. */
    String get(String id) {
      return findings.get(id);
    }

    /** Returns true when {@code id} was reported and its finding starts with {@code prefix}. */
    boolean startsWith(String id, String prefix) {
      String f = findings.get(id);
      return f != null && f.startsWith(prefix);
    }

    List<Cipher> ciphers(TlsVersion v) {
      return ciphers.getOrDefault(v, List.of());
    }
  }

  private ProbeCommandTestssl() {}

  /**
   * Runs testssl.sh with {@link #FLAGS} against {@code 127.0.0.1:port} (with {@code --starttls} when not null),
   * trusting {@code ca} for the chain of trust, and returns its findings. Times in the output are UTC.
   */
  static Result run(Path dir, int port, String starttls, Path ca) throws IOException, InterruptedException {
    Path json = dir.resolve("testssl-" + port + ".json");
    Path log = dir.resolve("testssl-" + port + ".log");
    List<String> cmd = new ArrayList<>(List.of(ProbeCommandPeers.TESTSSL, "--quiet", "--warnings", "batch",
        "--ip", "one", "--add-ca", ca.toString(), "--jsonfile", json.toString()));
    cmd.addAll(FLAGS);
    if (starttls != null) cmd.addAll(List.of("--starttls", starttls));
    cmd.add("127.0.0.1:" + port);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("TZ", "UTC");
    Process p = pb.start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("testssl.sh did not finish within 300 s on port " + port + "; log " + log);
    }
    if (!Files.exists(json)) throw new AssertionError("testssl.sh wrote no JSON: " + Files.readString(log));
    return parse(Files.readString(json), json.toString());
  }

  /**
   * Returns whether {@code openssl s_client} resumes a TLS 1.3 session on {@code 127.0.0.1:port}: a first handshake
   * that keeps the connection open for a second, so that the post-handshake NewSessionTicket arrives, saves the
   * session; a second handshake offers it and must print "Reused". This is the check testssl.sh makes, without its
   * race (see {@link ProbeCommandTestsslComparison}).
   */
  static boolean opensslResumesTls13(Path dir, int port, String starttls) throws IOException, InterruptedException {
    Path session = dir.resolve("session-" + port + ".pem");
    Files.deleteIfExists(session);
    sClient(dir, port, starttls, "-sess_out", session);
    return Files.exists(session) && Files.size(session) > 0
        && sClient(dir, port, starttls, "-sess_in", session).contains("\nReused, TLSv1.3");
  }

  private static String sClient(Path dir, int port, String starttls, String option, Path session)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(ProbeCommandPeers.OPENSSL, "s_client", "-tls1_3", "-connect",
        "127.0.0.1:" + port, "-servername", "localhost", option, session.toString()));
    if (starttls != null) cmd.addAll(List.of("-starttls", starttls));
    Path out = dir.resolve("s_client-" + port + option + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    Thread.sleep(1500);
    p.getOutputStream().close();
    if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
    return Files.readString(out);
  }

  /** Reads testssl.sh's flat JSON array (objects of string fields). */
  static Result parse(String text, String file) {
    Map<String, String> findings = new LinkedHashMap<>();
    Map<TlsVersion, List<Cipher>> ciphers = new EnumMap<>(TlsVersion.class);
    Matcher o = OBJECT.matcher(text);
    while (o.find()) {
      Map<String, String> fields = new LinkedHashMap<>();
      Matcher kv = PAIR.matcher(o.group(1));
      while (kv.find()) fields.put(kv.group(1), unescape(kv.group(2)));
      String id = fields.get("id");
      String finding = fields.get("finding");
      if (id == null || finding == null) continue;
      findings.putIfAbsent(id, finding);
      Matcher c = CIPHER_ID.matcher(id);
      if (c.matches()) {
        // "TLS 1.2   xc02f   ECDHE-RSA-AES128-GCM-SHA256   ECDH 253   AESGCM   128   TLS_ECDHE_RSA_WITH_..."
        String[] t = finding.trim().split("\\s+");
        int dh = t[4].equals("DH") && t[5].matches("\\d+") ? Integer.parseInt(t[5]) : -1;
        ciphers.computeIfAbsent(VERSION_KEYS.get(c.group(1)), k -> new ArrayList<>())
            .add(new Cipher(Integer.parseInt(c.group(2), 16), t[3], dh));
      }
    }
    return new Result(findings, ciphers, file);
  }

  private static String unescape(String s) {
    return s.replace("\\\"", "\"").replace("\\/", "/").replace("\\n", "\n").replace("\\\\", "\\");
  }

  /** Returns the lower-case STARTTLS name testssl.sh expects, or null. */
  static String starttlsName(Enum<?> starttls) {
    return starttls == null ? null : starttls.name().toLowerCase(Locale.ROOT);
  }
}
