package dev.tlskit.probe;

import dev.tlskit.TlsPolicy;
import dev.tlskit.internal.trust.ChainValidator;
import java.io.IOException;
import java.net.ConnectException;
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
  private final Pacer pacer = new Pacer();
  /** What this run has seen so far; frozen into the report at the end. */
  private ProbeReport.Builder report;
  private Instant deadline;
  private int failuresInARow;
  private boolean answered;

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

  /** The handshake or time limit was reached. */
  private static final class LimitReached extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LimitReached(String message) {
      super(message, null, false, false);
    }
  }

  /** The server kept turning the probe away after every retry. */
  private static final class GaveUp extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final TemporaryRefusal refusal;

    GaveUp(TemporaryRefusal refusal) {
      super(refusal.getMessage(), refusal, false, false);
      this.refusal = refusal;
    }
  }

  /** One connection attempt: dial, preamble, hello or handshake. */
  private interface Attempt<T> {
    T run() throws IOException;
  }

  /** What the JDK client offers in a complete handshake. */
  private static final List<String> TLS_13_AND_12 = List.of("TLSv1.3", "TLSv1.2");

  /**
   * Runs the probe.
   *
   * @throws IOException when the target cannot be reached at all (connection refused, unknown host, timeout) or
   *     does not speak TLS; a refusal of individual hellos is a result, not an error, and so is a server that keeps
   *     turning the probe away as busy ({@link ProbeReport#incomplete()})
   * @throws Starttls.StarttlsException never for a missing upgrade (a finding); when the preamble itself breaks
   */
  public ProbeReport run() throws IOException {
    report = new ProbeReport.Builder(target, Instant.now());
    deadline = report.started.plus(maxDuration);
    if (target.starttls() == null) report.pending.remove(ProbeReport.Check.STARTTLS);
    try {
      if (target.starttls() == null || starttlsOffered()) {
        scan();
      }
      report.pending.clear();
    } catch (LimitReached e) {
      report.complete = false;
      report.notes.add(e.getMessage() + "; the results are partial");
    } catch (GaveUp e) {
      report.complete = false;
      report.incomplete = new ProbeReport.Incomplete(e.refusal.cause(), e.getMessage(), List.copyOf(report.pending));
    } finally {
      report.duration = Duration.between(report.started, Instant.now());
      if (report.retries > 0) {
        report.notes.add("the server turned " + report.retries + " connections away as busy; each was retried after"
            + " a pause, and connections were then spaced up to " + pacer.gap().toMillis() + " ms apart");
      }
    }
    return report.build();
  }

  private boolean starttlsOffered() throws IOException {
    progress.accept("STARTTLS preamble");
    List<String> before = attempt(() -> {
      try (var lines = Starttls.Lines.dial(target)) {
        return target.starttls().greet(lines);
      }
    });
    boolean offered = target.starttls().offered(before);
    report.starttls = new ProbeReport.StarttlsResult(target.starttls(), offered, before, null);
    report.pending.remove(ProbeReport.Check.STARTTLS);
    return offered;
  }

  private void scan() throws IOException {
    Map<TlsVersion, ServerFlight> first = new HashMap<>();
    for (TlsVersion v : List.of(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2, TlsVersion.TLS_1_1, TlsVersion.TLS_1_0)) {
      progress.accept("trying " + v.display());
      ServerFlight f = hello(v, CipherSuite.forVersion(v), NamedGroup.all(), true, true, true);
      boolean accepted = f.accepted() && f.version() == v;
      if (accepted) first.put(v, f);
      // until its suites are enumerated, an accepted version lists the one suite the server picked
      report.versions.add(new ProbeReport.VersionResult(v, accepted,
          accepted ? null : f.accepted() ? "server answered with " + f.version().display() : f.refusal(),
          accepted && f.suite() != null ? List.of(f.suite()) : List.of(), null));
    }
    report.pending.remove(ProbeReport.Check.VERSIONS);
    if (first.isEmpty()) return;
    for (int i = 0; i < report.versions.size(); i++) {
      TlsVersion v = report.versions.get(i).version();
      if (!first.containsKey(v)) continue;
      progress.accept("cipher suites of " + v.display());
      report.versions.set(i, suites(v, first.get(v)));
    }
    report.pending.remove(ProbeReport.Check.SUITES);
    legacyFeatures(first);
    report.pending.remove(ProbeReport.Check.DHE);
    groups();
    postQuantum();
    report.pending.remove(ProbeReport.Check.GROUPS);
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
      if (v == TlsVersion.TLS_1_2) {
        report.tls12SessionId = f.sessionId();
        report.tls12Ticket = f.sessionTicket();
        report.resumable.put(v, f.sessionId() || f.sessionTicket());
      }
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

  /**
   * Completes a TLS 1.3 handshake offering only the post-quantum hybrid groups (a HelloRetryRequest for
   * X25519MLKEM768 shows the server would pick it; this shows it finishes the exchange).
   */
  private void postQuantum() throws IOException {
    ProbeReport.VersionResult v13 = report.version(TlsVersion.TLS_1_3);
    if (v13 == null || !v13.accepted()) return;
    progress.accept("post-quantum key exchange");
    report.postQuantum = attempt(() -> JdkHandshake.postQuantum(target));
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

  /**
   * Runs complete JDK handshakes (TLS 1.3/1.2) for the chain, OCSP and STARTTLS capabilities (offering no ALPN, which
   * a mail server may refuse outright), then resumption and ALPN, each in handshakes of its own.
   */
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
      main = attempt(() -> jdk.handshake(List.of(), true, TLS_13_AND_12));
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
    report.pending.remove(ProbeReport.Check.HANDSHAKE);

    progress.accept("session resumption");
    TlsVersion negotiated = TlsVersion.TLS_1_3.jsseName().equals(main.protocol())
        ? TlsVersion.TLS_1_3 : TlsVersion.TLS_1_2;
    if (negotiated == TlsVersion.TLS_1_3) report.resumable.put(negotiated, main.ticketIssued());
    resumption(negotiated, jdk, TLS_13_AND_12);
    if (negotiated != TlsVersion.TLS_1_2 && first.containsKey(TlsVersion.TLS_1_2)) {
      // TLS 1.2 resumes differently (a session ID or an RFC 5077 ticket; the JDK client offers both): its own pair
      JdkHandshake tls12 = new JdkHandshake(target);
      try {
        attempt(() -> tls12.handshake(List.of(), false, List.of("TLSv1.2")));
        resumption(TlsVersion.TLS_1_2, tls12, List.of("TLSv1.2"));
      } catch (IOException e) {
        if (e instanceof Starttls.StarttlsException) throw e;
        report.notes.add("TLS 1.2 resumption unknown: the JDK client could not complete a TLS 1.2 handshake ("
            + e.getMessage() + ")");
      }
    }
    report.pending.remove(ProbeReport.Check.RESUMPTION);

    progress.accept("ALPN");
    alpn();
    report.pending.remove(ProbeReport.Check.ALPN);
  }

  /** Records whether a second handshake with {@code jdk}'s session cache resumes the first one's session. */
  private void resumption(TlsVersion v, JdkHandshake jdk, List<String> protocols) throws IOException {
    try {
      report.resumption.put(v, attempt(() -> jdk.handshake(List.of(), false, protocols)).resumed());
    } catch (IOException e) {
      if (e instanceof Starttls.StarttlsException) throw e;
      report.notes.add(v.display() + " resumption unknown: the second handshake failed (" + e.getMessage() + ")");
    }
  }

  /**
   * Tries each ALPN protocol alone, then all together when the server takes more than one, each in a handshake of
   * its own: a server that refuses a name it does not know (no_application_protocol) affects only this result.
   */
  private void alpn() throws IOException {
    List<String> accepted = new ArrayList<>();
    for (String p : alpn) {
      try {
        if (p.equals(attempt(() -> new JdkHandshake(target).handshake(List.of(p), false, TLS_13_AND_12)).alpn())) {
          accepted.add(p);
        }
      } catch (SSLException e) {
        // no_application_protocol: the server refuses what it does not speak
      } catch (IOException e) {
        if (e instanceof Starttls.StarttlsException) throw e;
        report.notes.add("ALPN " + p + " unknown: the handshake failed (" + e.getMessage() + ")");
      }
    }
    String selected = accepted.size() == 1 ? accepted.get(0) : null;
    if (accepted.size() > 1) {
      try {
        selected = attempt(() -> new JdkHandshake(target).handshake(alpn, false, TLS_13_AND_12)).alpn();
      } catch (IOException e) {
        if (e instanceof Starttls.StarttlsException) throw e;
        report.notes.add("ALPN preference unknown: the handshake offering " + alpn + " failed (" + e.getMessage()
            + ")");
      }
    }
    report.alpn = new ProbeReport.AlpnResult(alpn, accepted, selected);
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
    return hello(v, suites, groups, wholeFlight, statusRequest, false);
  }

  private ServerFlight hello(TlsVersion v, List<CipherSuite> suites, List<NamedGroup> groups, boolean wholeFlight,
      boolean statusRequest, boolean sessionTicket) throws IOException {
    ClientHello ch = new ClientHello(v, suites, groups, target.sniName(), List.of(), statusRequest, sessionTicket);
    try {
      ServerFlight f = attempt(() -> sender.send(ch, wholeFlight));
      failuresInARow = 0;
      return f;
    } catch (MalformedTlsException | Starttls.StarttlsException e) {
      throw e;
    } catch (IOException e) {
      // Once the server has answered, a lost connection or a silence is taken as a refusal of this hello (servers
      // that dislike a hello may drop it); three in a row mean the server is gone, and the probe incomplete.
      if (!answered) throw e;
      if (++failuresInARow >= 3) {
        throw new GaveUp(new TemporaryRefusal(ProbeReport.Incomplete.Cause.NETWORK,
            "three hellos in a row got no answer, the last: " + e.getMessage(), e));
      }
      report.notes.add("a " + v.display() + " hello got no answer (" + e.getMessage() + "); counted as refused");
      return ServerFlight.closed();
    }
  }

  /**
   * Runs one connection attempt, paced by {@link Pacer}; retries it while the server turns it away as busy (a
   * {@link TemporaryRefusal}, or a refused connection once the server has answered before), at most {@link
   * Pacer#MAX_RETRIES} times and within the probe's time limit; then gives up on the whole probe.
   */
  private <T> T attempt(Attempt<T> a) throws IOException {
    for (int retry = 0; ; retry++) {
      count();
      pacer.beforeConnect();
      TemporaryRefusal refusal;
      try {
        T result = a.run();
        answered = true;
        pacer.answered();
        return result;
      } catch (TemporaryRefusal e) {
        refusal = e;
        if (e.cause() == ProbeReport.Incomplete.Cause.REFUSED) answered = true; // it is there, and busy
      } catch (ConnectException e) {
        if (!answered) throw e; // nothing listens: unreachable, not busy
        refusal = new TemporaryRefusal(ProbeReport.Incomplete.Cause.NETWORK, "connection refused: "
            + e.getMessage(), e);
      }
      Duration wait = pacer.refused(retry);
      if (retry >= Pacer.MAX_RETRIES || Instant.now().plus(wait).isAfter(deadline)) throw new GaveUp(refusal);
      report.retries++;
      progress.accept("server busy (" + refusal.getMessage() + "), retrying in " + wait.toMillis() + " ms");
      Pacer.sleep(wait);
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
