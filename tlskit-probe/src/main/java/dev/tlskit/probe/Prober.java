package dev.tlskit.probe;

import dev.tlskit.TlsPolicy;
import dev.tlskit.internal.trust.ChainValidator;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * Probes one TLS endpoint: which versions, suites and groups it accepts (with raw ClientHellos, see
 * {@link ClientHello}), whether it enforces its suite order, and with complete JDK handshakes its certificate chain,
 * ALPN, resumption and OCSP stapling; then judges the chain with the given policy's trust settings and draws
 * {@link Finding}s (see {@link Findings}).
 *
 * <p>Bounded: every attempt by the target's timeout, the number of handshakes by {@code maxHandshakes} (default
 * {@value #DEFAULT_MAX_HANDSHAKES}) and the whole probe by {@code maxDuration} (default 5 minutes); a probe cut
 * short says so in {@link ProbeReport#complete()} and its notes.
 */
public final class Prober {
  /** The default limit on handshakes per probe. */
  public static final int DEFAULT_MAX_HANDSHAKES = 400;
  /** The ALPN protocols tried by default. */
  public static final List<String> DEFAULT_ALPN = List.of("h2", "http/1.1");

  private final Target target;
  private final TlsPolicy policy;
  private final int maxHandshakes;
  private final Duration maxDuration;
  private final List<String> alpn;
  private final Consumer<String> progress;
  private final HelloSender sender;
  private ProbeReport report;
  private Instant deadline;
  private int failuresInARow;

  /**
   * @param target where to probe
   * @param policy whose trust anchors, revocation mode and pins judge the certificate (its protocols and suites do
   *     not limit the probe)
   * @param maxHandshakes the most handshakes to make
   * @param maxDuration the longest the whole probe may take
   * @param alpn the ALPN protocols to try, each alone and all together
   * @param progress receives a short line before each step; may be null
   */
  public Prober(Target target, TlsPolicy policy, int maxHandshakes, Duration maxDuration, List<String> alpn,
      Consumer<String> progress) {
    this.target = Objects.requireNonNull(target, "target");
    this.policy = Objects.requireNonNull(policy, "policy");
    if (maxHandshakes < 10) throw new IllegalArgumentException("maxHandshakes must be at least 10: " + maxHandshakes);
    this.maxHandshakes = maxHandshakes;
    this.maxDuration = Objects.requireNonNull(maxDuration, "maxDuration");
    this.alpn = List.copyOf(alpn);
    this.progress = progress == null ? s -> { } : progress;
    this.sender = new HelloSender(target);
  }

  /** Returns a prober with the default limits and ALPN list. */
  public static Prober of(Target target, TlsPolicy policy) {
    return new Prober(target, policy, DEFAULT_MAX_HANDSHAKES, Duration.ofMinutes(5), DEFAULT_ALPN, null);
  }

  /** The handshake or time limit was reached. */
  private static final class LimitReached extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LimitReached(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Runs the probe.
   *
   * @throws IOException when the target cannot be reached at all (connection refused, unknown host, timeout) or
   *     does not speak TLS; a refusal of individual hellos is a result, not an error
   * @throws Starttls.StarttlsException never for a missing upgrade (a finding); when the preamble itself breaks
   */
  public ProbeReport run() throws IOException {
    report = new ProbeReport();
    report.target = target;
    report.started = Instant.now();
    deadline = report.started.plus(maxDuration);
    try {
      if (target.starttls() == null || starttlsOffered()) {
        scan();
      }
    } catch (LimitReached e) {
      report.complete = false;
      report.notes.add(e.getMessage() + "; the results are partial");
    } finally {
      report.duration = Duration.between(report.started, Instant.now());
    }
    Findings.judge(report);
    return report;
  }

  private boolean starttlsOffered() throws IOException {
    progress.accept("STARTTLS preamble");
    count();
    try (var lines = Starttls.Lines.dial(target)) {
      List<String> before = target.starttls().greet(lines);
      boolean offered = target.starttls().offered(before);
      report.starttls = new ProbeReport.StarttlsResult(target.starttls(), offered, before, null);
      return offered;
    }
  }

  private void scan() throws IOException {
    Map<TlsVersion, ServerFlight> first = new HashMap<>();
    for (TlsVersion v : List.of(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2, TlsVersion.TLS_1_1, TlsVersion.TLS_1_0)) {
      progress.accept("trying " + v.display());
      ServerFlight f = hello(v, CipherSuite.forVersion(v), NamedGroup.all(), true, true);
      boolean accepted = f.accepted() && f.version() == v;
      if (accepted) first.put(v, f);
      report.versions.add(new ProbeReport.VersionResult(v, accepted,
          accepted ? null : f.accepted() ? "server answered with " + f.version().display() : f.refusal(), List.of(),
          null));
    }
    if (first.isEmpty()) return;
    for (int i = 0; i < report.versions.size(); i++) {
      TlsVersion v = report.versions.get(i).version();
      if (!first.containsKey(v)) continue;
      progress.accept("cipher suites of " + v.display());
      report.versions.set(i, suites(v, first.get(v)));
    }
    legacyFeatures(first);
    groups();
    complete(first);
  }

  /** Enumerates the suites of one version: offer all, remove the one picked, repeat until refused. */
  private ProbeReport.VersionResult suites(TlsVersion v, ServerFlight first) throws IOException {
    List<CipherSuite> accepted = new ArrayList<>();
    List<CipherSuite> remaining = new ArrayList<>(CipherSuite.forVersion(v));
    CipherSuite picked = first.suite();
    while (picked != null && remaining.remove(picked)) {
      accepted.add(picked);
      if (remaining.isEmpty()) break;
      ServerFlight f = hello(v, remaining, NamedGroup.all(), false, false);
      picked = f.accepted() && f.version() == v ? f.suite() : null;
    }
    Boolean serverOrder = null;
    if (accepted.size() >= 2) {
      ServerFlight f = hello(v, accepted.reversed(), NamedGroup.all(), false, false);
      if (f.accepted()) serverOrder = accepted.get(0).equals(f.suite());
    }
    return new ProbeReport.VersionResult(v, true, null, accepted, serverOrder);
  }

  /** Records TLS 1.2-and-older extensions and the DHE prime size from the first accepted hello. */
  private void legacyFeatures(Map<TlsVersion, ServerFlight> first) throws IOException {
    for (TlsVersion v : List.of(TlsVersion.TLS_1_2, TlsVersion.TLS_1_1, TlsVersion.TLS_1_0)) {
      ServerFlight f = first.get(v);
      if (f == null) continue;
      if (report.secureRenegotiation == null) report.secureRenegotiation = f.secureRenegotiation();
      if (report.extendedMasterSecret == null) report.extendedMasterSecret = f.extendedMasterSecret();
      if (f.ocspResponse() != null) report.ocspStapled = true;
      if (report.chain.isEmpty()) report.chain = f.chain();
      List<CipherSuite> dhe = report.version(v).suites().stream().filter(CipherSuite::dhe).toList();
      if (report.dhBits < 0 && !dhe.isEmpty()) {
        progress.accept("DHE parameters");
        ServerFlight d = hello(v, dhe, NamedGroup.all(), true, false);
        if (d.accepted()) report.dhBits = d.dhBits();
      }
    }
  }

  /** Finds the groups: TLS 1.3 by HelloRetryRequest, TLS 1.2 by the ECDHE ServerKeyExchange. */
  private void groups() throws IOException {
    ProbeReport.VersionResult v13 = report.version(TlsVersion.TLS_1_3);
    if (v13 != null && v13.accepted()) {
      progress.accept("TLS 1.3 groups");
      for (NamedGroup g : NamedGroup.all()) {
        ServerFlight f = hello(TlsVersion.TLS_1_3, v13.suites(), List.of(g), false, false);
        if (f.accepted() && f.version() == TlsVersion.TLS_1_3 && g.equals(f.group())) report.groupsTls13.add(g);
      }
    }
    ProbeReport.VersionResult v12 = report.version(TlsVersion.TLS_1_2);
    if (v12 != null && v12.accepted()) {
      List<CipherSuite> ecdhe = v12.suites().stream().filter(CipherSuite::ecdhe).toList();
      if (ecdhe.isEmpty()) return;
      progress.accept("TLS 1.2 groups");
      // In TLS 1.2 supported_groups also limits the curve of an ECDSA certificate (RFC 8422 section 5.1.1): offer
      // the NIST curves after the group under test, so that the answer names that group if the server has it.
      boolean ecdsa = ecdhe.stream().allMatch(s -> s.name().contains("_ECDSA_"));
      List<NamedGroup> nist = NamedGroup.curves().stream().filter(g -> g.name().startsWith("secp")
          && g.name().endsWith("r1")).toList();
      for (NamedGroup g : NamedGroup.curves()) {
        List<NamedGroup> offer = new ArrayList<>(List.of(g));
        if (ecdsa) nist.stream().filter(n -> !n.equals(g)).forEach(offer::add);
        ServerFlight f = hello(TlsVersion.TLS_1_2, ecdhe, offer, true, false);
        if (f.accepted() && g.equals(f.group())) report.groupsTls12.add(g);
      }
    }
  }

  /** Runs complete JDK handshakes (TLS 1.3/1.2) for the chain, ALPN, resumption, OCSP and STARTTLS capabilities. */
  private void complete(Map<TlsVersion, ServerFlight> first) throws IOException {
    if (!first.containsKey(TlsVersion.TLS_1_3) && !first.containsKey(TlsVersion.TLS_1_2)) {
      report.notes.add("no complete handshake: the server accepts no TLS 1.2 or 1.3 (chain read from the hello)");
      validate(List.of());
      return;
    }
    progress.accept("complete handshake");
    JdkHandshake jdk = new JdkHandshake(target);
    JdkHandshake.Session main;
    try {
      count();
      main = jdk.handshake(alpn, true);
    } catch (IOException e) {
      if (e instanceof Starttls.StarttlsException) throw e;
      report.notes.add("the JDK client could not complete a TLS 1.3/1.2 handshake (" + e.getMessage()
          + "); chain from the TLS 1.2-or-older hello only, ALPN and resumption unknown");
      validate(List.of());
      return;
    }
    report.negotiatedProtocol = main.protocol();
    report.negotiatedSuite = main.suite();
    report.chain = main.chain();
    if (report.ocspStapled == null || !report.ocspStapled) report.ocspStapled = !main.stapled().isEmpty();
    if (report.starttls != null) {
      report.starttls = new ProbeReport.StarttlsResult(target.starttls(), true, main.capabilitiesBefore(),
          main.capabilitiesAfter());
    }
    validate(main.stapled());

    progress.accept("session resumption");
    count();
    TlsVersion negotiated = TlsVersion.TLS_1_3.jsseName().equals(main.protocol())
        ? TlsVersion.TLS_1_3 : TlsVersion.TLS_1_2;
    try {
      report.resumption.put(negotiated, jdk.handshake(List.of(), false).resumed());
    } catch (IOException e) {
      report.notes.add("resumption unknown: the second handshake failed (" + e.getMessage() + ")");
    }

    progress.accept("ALPN");
    List<String> accepted = new ArrayList<>();
    for (String p : alpn) {
      count();
      try {
        if (p.equals(new JdkHandshake(target).handshake(List.of(p), false).alpn())) accepted.add(p);
      } catch (SSLException e) {
        // no_application_protocol: the server refuses what it does not speak
      }
    }
    report.alpn = new ProbeReport.AlpnResult(alpn, accepted, main.alpn());
  }

  private void validate(List<byte[]> stapled) {
    List<X509Certificate> chain = report.chain;
    if (chain.isEmpty()) return;
    Map<X509Certificate, byte[]> staples = new HashMap<>();
    if (!stapled.isEmpty()) staples.put(chain.get(0), stapled.get(0));
    report.validation = new ChainValidator(policy).validate(chain, target.peerName(), ChainValidator.Purpose.SERVER,
        staples, Instant.now());
  }

  private ServerFlight hello(TlsVersion v, List<CipherSuite> suites, List<NamedGroup> groups, boolean wholeFlight,
      boolean statusRequest) throws IOException {
    count();
    ClientHello ch = new ClientHello(v, suites, groups, target.sniName(), List.of(), statusRequest);
    try {
      ServerFlight f = sender.send(ch, wholeFlight);
      failuresInARow = 0;
      return f;
    } catch (MalformedTlsException | Starttls.StarttlsException e) {
      throw e;
    } catch (IOException e) {
      // Once the server has answered, a lost connection or a silence is taken as a refusal of this hello (servers
      // that dislike a hello may drop it); three in a row mean the server is gone.
      if (report.handshakes <= 1 || ++failuresInARow >= 3) throw e;
      report.notes.add("a " + v.display() + " hello got no answer (" + e.getMessage() + "); counted as refused");
      return ServerFlight.closed();
    }
  }

  private void count() {
    if (report.handshakes >= maxHandshakes) {
      throw new LimitReached("stopped after " + maxHandshakes + " handshakes");
    }
    if (Instant.now().isAfter(deadline)) throw new LimitReached("stopped after " + maxDuration.toSeconds() + " s");
    report.handshakes++;
  }
}
