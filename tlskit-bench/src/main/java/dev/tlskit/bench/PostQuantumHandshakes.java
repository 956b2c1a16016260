package dev.tlskit.bench;

import dev.tlskit.bench.stacks.BenchJson;
import dev.tlskit.bench.stacks.BenchMeasure;
import dev.tlskit.bench.stacks.BenchMeasure.Sample;
import dev.tlskit.bench.stacks.BenchStacks;
import dev.tlskit.bench.stacks.BenchStacks.Pki;
import dev.tlskit.bench.stacks.BenchStacks.Settings;
import dev.tlskit.bench.stacks.BenchStacks.Stack;
import dev.tlskit.certs.KeyType;
import dev.tlskit.internal.bc.BcJsse;
import dev.tlskit.nativetls.NativeTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What post-quantum key exchange costs a handshake, client and server in one process on loopback (TlsClient to
 * TlsServer, TLS 1.3, TLS_AES_128_GCM_SHA256, EC P-256 key): the stacks side by side, so that the cost of moving to
 * another TLS implementation and the cost of the hybrid group are told apart:
 * <ol>
 *   <li>{@code jdk-x25519}: the JDK's JSSE, x25519 (TlsKit's default);</li>
 *   <li>{@code bc-x25519}: BouncyCastle's JSSE as TlsKit sets it up, x25519 (secp256r1 listed for its ECDSA);</li>
 *   <li>{@code bc-x25519mlkem768}: the same with X25519MLKEM768 only ({@code PostQuantum.require}'s key share);</li>
 *   <li>{@code native-x25519}: the native engine (BoringSSL, tlskit-native), x25519;</li>
 *   <li>{@code native-x25519mlkem768}: the native engine with X25519MLKEM768 only ({@code PostQuantum.require} on a
 *       native policy). The native rows are left out where BoringSSL cannot load.</li>
 * </ol>
 * Each figure is full handshakes per second and process CPU per handshake (both ends: the client's and the server's
 * work together), the mean of two slices per stack taken in the order A B C ... C B A after a warm-up of every stack,
 * with the loops of {@code tlskit bench} ({@link BenchMeasure#handshakes}). The hybrid group also adds 1,184 bytes
 * (ML-KEM-768 public key) to the ClientHello and 1,088 (its ciphertext) to the ServerHello.
 *
 * <p>Usage: {@code PostQuantumHandshakes [SECONDS] [JSON-FILE]}: SECONDS per stack per slice (default 3).
 */
public final class PostQuantumHandshakes {
  static final List<String> ALL_KEYS = List.of("jdk-x25519", "bc-x25519", "bc-x25519mlkem768", "native-x25519",
      "native-x25519mlkem768");

  private PostQuantumHandshakes() {}

  public static void main(String[] args) throws IOException {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
    Path json = args.length > 1 ? Path.of(args[1]) : null;
    if (!(seconds > 0 && seconds <= 600)) throw new IllegalArgumentException("seconds must be in (0, 600]: " + seconds);
    String loadStart = BenchJson.loadAverage();
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Pki pki = Pki.create(KeyType.EC_P256);
    List<Settings> all = new ArrayList<>(List.of(
        settings("x25519", null), settings("x25519,secp256r1", BcJsse.provider()),
        settings("X25519MLKEM768,secp256r1", BcJsse.requiringHybrid())));
    if (NativeTls.isAvailable()) {
      all.add(settings("x25519", NativeTls.provider()));
      all.add(settings("X25519MLKEM768", NativeTls.provider()));
    } else {
      System.out.println("# native engine unavailable (" + NativeTls.version() + "): its rows are left out");
    }
    Settings[] settings = all.toArray(Settings[]::new);
    String[] keys = ALL_KEYS.subList(0, settings.length).toArray(String[]::new);
    List<Stack> stacks = new ArrayList<>();
    double[] rate = new double[keys.length];
    double[] cpuMs = new double[keys.length];
    try {
      for (Settings s : settings) stacks.add(BenchStacks.tlskit(pki, s, false));
      long millis = Math.max(50, Math.round(seconds * 1000));
      for (Stack s : stacks) BenchMeasure.handshakes(s, Math.min(2000, millis)); // warm-up
      int[] order = new int[2 * keys.length];
      for (int i = 0; i < keys.length; i++) {
        order[i] = i;
        order[order.length - 1 - i] = i;
      }
      double[] n = new double[keys.length];
      double[] secs = new double[keys.length];
      double[] cpu = new double[keys.length];
      for (int i : order) {
        Sample sample = BenchMeasure.handshakes(stacks.get(i), millis);
        n[i] += sample.units();
        secs[i] += sample.seconds();
        cpu[i] += sample.cpuSeconds();
      }
      for (int i = 0; i < keys.length; i++) {
        rate[i] = n[i] / secs[i];
        cpuMs[i] = cpu[i] * 1000 / n[i];
      }
    } finally {
      for (Stack s : stacks) s.close();
    }
    System.out.println("# full handshakes, TLS 1.3, EC P-256, client and server in one process; " + seconds
        + " s per slice, 2 slices per stack; load at start " + loadStart + ", at end " + BenchJson.loadAverage());
    System.out.printf(Locale.ROOT, "%-20s %14s %18s %10s%n", "stack", "handshakes/s", "CPU ms/handshake", "vs jdk");
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "post-quantum handshakes");
    report.put("started", start.toString());
    report.put("secondsPerSlice", seconds);
    report.put("loadStart", loadStart);
    report.put("loadEnd", BenchJson.loadAverage());
    Map<String, Object> results = new LinkedHashMap<>();
    for (int i = 0; i < keys.length; i++) {
      System.out.printf(Locale.ROOT, "%-20s %14.0f %18.2f %9.2fx%n", keys[i], rate[i], cpuMs[i], cpuMs[i] / cpuMs[0]);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("group", settings[i].group());
      r.put("provider", settings[i].provider() == null ? "SunJSSE" : settings[i].provider().getName());
      r.put("handshakesPerSecond", rate[i]);
      r.put("cpuMsPerHandshake", cpuMs[i]);
      results.put(keys[i], r);
    }
    report.put("results", results);
    if (json != null) {
      Files.writeString(json, BenchJson.write(report) + "\n");
      System.out.println("JSON written to " + json);
    }
  }

  private static Settings settings(String groups, Provider provider) {
    return new Settings("TLSv1.3", "TLS_AES_128_GCM_SHA256", groups, KeyType.EC_P256, provider);
  }
}
