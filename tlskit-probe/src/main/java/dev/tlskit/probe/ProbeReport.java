package dev.tlskit.probe;

import dev.tlskit.ValidationReport;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything a probe learned about one endpoint, the findings drawn from it, and the verdict: an immutable value,
 * which {@link Prober} fills through a {@link Builder} and {@link Findings} judges when it is built. {@link ProbeJson}
 * writes it as the {@code --json} document, {@link ProbeText} as the text report.
 */
public final class ProbeReport {
  /** The overall judgement. */
  public enum Verdict {
    /** No finding above LOW. */
    GOOD,
    /** The worst finding is MEDIUM. */
    WEAK,
    /** At least one HIGH or CRITICAL finding (an untrusted certificate is one). */
    BAD,
    /** No TLS version was accepted: the port refused every hello. */
    NO_TLS,
    /**
     * The server kept turning the probe away (busy replies, refused or dropped connections) before every check was
     * done; {@link #incomplete()} says which checks and why. Never a security judgement.
     */
    INCOMPLETE
  }

  /** The checks of a probe, in the order they run; a check not done is not judged. */
  public enum Check {
    STARTTLS("STARTTLS preamble"),
    VERSIONS("protocol versions"),
    SUITES("cipher suites and server order"),
    DHE("DHE parameters"),
    GROUPS("key-exchange groups"),
    HANDSHAKE("complete handshake: certificate chain, OCSP stapling, capabilities after TLS"),
    RESUMPTION("session resumption"),
    ALPN("ALPN");

    private final String title;

    Check(String title) {
      this.title = title;
    }

    /** Returns the JSON id ("versions", "suites", ...). */
    String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Returns what the check finds out, for the text report. */
    String title() {
      return title;
    }
  }

  /**
   * Why a probe could not finish: the server kept refusing (busy replies) or dropping connections after every retry.
   *
   * @param cause REFUSED (the server said so in its protocol: exit 1) or NETWORK (connections refused, reset,
   *     closed or unanswered: exit 4)
   * @param reason the last refusal, as the server or the network gave it
   * @param checks the checks not completed, in order
   */
  public record Incomplete(Cause cause, String reason, List<Check> checks) {
    /** How the server turned the probe away. */
    public enum Cause {
      /** In its protocol: SMTP/FTP 4xx, IMAP {@code * BYE}, POP3 {@code -ERR}. */
      REFUSED,
      /** Connections refused, reset, closed before TLS, or unanswered. */
      NETWORK
    }

    public Incomplete {
      checks = List.copyOf(checks);
    }
  }

  /** What one protocol version showed. */
  public record VersionResult(TlsVersion version, boolean accepted, String refusal, List<CipherSuite> suites,
      Boolean serverOrder) {
    public VersionResult {
      suites = List.copyOf(suites);
    }
  }

  /**
   * What the STARTTLS preamble showed: the capabilities before TLS, and after it ({@code after} is null when no
   * complete handshake succeeded, so they are unknown).
   */
  public record StarttlsResult(Starttls protocol, boolean offered, List<String> before, List<String> after) {
    public StarttlsResult {
      before = List.copyOf(before);
      after = after == null ? null : List.copyOf(after);
    }

    /** Returns the capabilities offered only over TLS; empty when unknown. */
    public List<String> added() {
      return after == null ? List.of() : after.stream().filter(c -> !before.contains(c)).toList();
    }

    /** Returns the capabilities offered only before TLS; empty when unknown. */
    public List<String> removed() {
      return after == null ? List.of() : before.stream().filter(c -> !after.contains(c)).toList();
    }
  }

  /** Which ALPN protocols the server accepted when offered alone, and its choice when offered all of them. */
  public record AlpnResult(List<String> offered, List<String> accepted, String selectedFromAll) {
    public AlpnResult {
      offered = List.copyOf(offered);
      accepted = List.copyOf(accepted);
    }
  }

  /** The findings drawn from what was seen, worst first, and the verdict they make. */
  record Judgement(List<Finding> findings, Verdict verdict) {
    static final Judgement NONE = new Judgement(List.of(), Verdict.GOOD);

    Judgement {
      findings = List.copyOf(findings);
    }
  }

  /**
   * What a probe has seen so far: the {@link Prober}'s working state, read and written field by field while it runs,
   * then frozen (and judged) by {@link #build()}. Every field starts as "not seen".
   */
  static final class Builder {
    final Target target;
    final Instant started;
    Duration duration = Duration.ZERO;
    int handshakes;
    int retries;
    boolean complete = true;
    final EnumSet<Check> pending = EnumSet.allOf(Check.class);
    Incomplete incomplete;
    final List<String> notes = new ArrayList<>();
    StarttlsResult starttls;
    final List<VersionResult> versions = new ArrayList<>();
    final List<NamedGroup> groupsTls13 = new ArrayList<>();
    final List<NamedGroup> groupsTls12 = new ArrayList<>();
    int dhBits = -1;
    AlpnResult alpn;
    final Map<TlsVersion, Boolean> resumption = new LinkedHashMap<>();
    final Map<TlsVersion, Boolean> resumable = new LinkedHashMap<>();
    Boolean tls12SessionId;
    Boolean tls12Ticket;
    Boolean ocspStapled;
    Boolean secureRenegotiation;
    Boolean postQuantum;
    Boolean extendedMasterSecret;
    String negotiatedProtocol;
    String negotiatedSuite;
    List<X509Certificate> chain = List.of();
    ValidationReport validation;

    Builder(Target target, Instant started) {
      this.target = target;
      this.started = started;
    }

    /** Returns the result for one version so far, or null when it was not tried. */
    VersionResult version(TlsVersion v) {
      return versions.stream().filter(r -> r.version() == v).findFirst().orElse(null);
    }

    /** Returns the report of what was seen, with the findings and verdict {@link Findings} draws from it. */
    ProbeReport build() {
      ProbeReport seen = new ProbeReport(this, Judgement.NONE);
      return new ProbeReport(this, Findings.judge(seen));
    }
  }

  private final Target target;
  private final Instant started;
  private final Duration duration;
  private final int handshakes;
  private final int retries;
  private final boolean complete;
  private final Set<Check> pending;
  private final Incomplete incomplete;
  private final List<String> notes;
  private final StarttlsResult starttls;
  private final List<VersionResult> versions;
  private final List<NamedGroup> groupsTls13;
  private final List<NamedGroup> groupsTls12;
  private final int dhBits;
  private final AlpnResult alpn;
  private final Map<TlsVersion, Boolean> resumption;
  private final Map<TlsVersion, Boolean> resumable;
  private final Boolean tls12SessionId;
  private final Boolean tls12Ticket;
  private final Boolean ocspStapled;
  private final Boolean secureRenegotiation;
  private final Boolean postQuantum;
  private final Boolean extendedMasterSecret;
  private final String negotiatedProtocol;
  private final String negotiatedSuite;
  private final List<X509Certificate> chain;
  private final ValidationReport validation;
  private final List<Finding> findings;
  private final Verdict verdict;

  private ProbeReport(Builder b, Judgement judgement) {
    target = b.target;
    started = b.started;
    duration = b.duration;
    handshakes = b.handshakes;
    retries = b.retries;
    complete = b.complete;
    pending = Collections.unmodifiableSet(EnumSet.copyOf(b.pending));
    incomplete = b.incomplete;
    notes = List.copyOf(b.notes);
    starttls = b.starttls;
    versions = List.copyOf(b.versions);
    groupsTls13 = List.copyOf(b.groupsTls13);
    groupsTls12 = List.copyOf(b.groupsTls12);
    dhBits = b.dhBits;
    alpn = b.alpn;
    // in the order the probe learnt them, which the JSON document and the text report keep
    resumption = Collections.unmodifiableMap(new LinkedHashMap<>(b.resumption));
    resumable = Collections.unmodifiableMap(new LinkedHashMap<>(b.resumable));
    tls12SessionId = b.tls12SessionId;
    tls12Ticket = b.tls12Ticket;
    ocspStapled = b.ocspStapled;
    secureRenegotiation = b.secureRenegotiation;
    postQuantum = b.postQuantum;
    extendedMasterSecret = b.extendedMasterSecret;
    negotiatedProtocol = b.negotiatedProtocol;
    negotiatedSuite = b.negotiatedSuite;
    chain = List.copyOf(b.chain);
    validation = b.validation;
    findings = judgement.findings();
    verdict = judgement.verdict();
  }

  /** Returns where the probe connected. */
  Target target() {
    return target;
  }

  /** Returns when the probe started. */
  Instant started() {
    return started;
  }

  /** Returns how long the probe took. */
  Duration duration() {
    return duration;
  }

  /** Returns the number of handshakes (complete or not) the probe made. */
  public int handshakes() {
    return handshakes;
  }

  /** Returns false when a limit or a server that kept refusing cut the probe short; see {@link #notes()}. */
  public boolean complete() {
    return complete;
  }

  /** Returns how many attempts were repeated because the server turned them away as busy. */
  public int retries() {
    return retries;
  }

  /** Returns the checks not done (cut short by a limit or a server that kept refusing); empty when complete. */
  Set<Check> pending() {
    return pending;
  }

  /** Returns why the server kept the probe from finishing, or null when it did not. */
  public Incomplete incomplete() {
    return incomplete;
  }

  /** Returns remarks on what could not be determined and why. */
  public List<String> notes() {
    return notes;
  }

  /** Returns the STARTTLS result, or null for implicit TLS. */
  public StarttlsResult starttls() {
    return starttls;
  }

  /** Returns one result per version tried, newest first. */
  List<VersionResult> versions() {
    return versions;
  }

  /** Returns the result for one version, or null when it was not tried. */
  public VersionResult version(TlsVersion v) {
    return versions.stream().filter(r -> r.version() == v).findFirst().orElse(null);
  }

  /** Returns the versions the server accepted, newest first. */
  public List<TlsVersion> acceptedVersions() {
    return versions.stream().filter(VersionResult::accepted).map(VersionResult::version).toList();
  }

  /** Returns every suite accepted under any version. */
  public List<CipherSuite> acceptedSuites() {
    return versions.stream().flatMap(v -> v.suites().stream()).distinct().toList();
  }

  /**
   * Returns whether a complete TLS 1.3 handshake offering only the post-quantum hybrid groups (X25519MLKEM768,
   * SecP256r1MLKEM768, SecP384r1MLKEM1024, through BouncyCastle's JSSE) succeeded with one of them; null when it was not
   * tried (no TLS 1.3, or the probe stopped before).
   */
  public Boolean postQuantum() {
    return postQuantum;
  }

  /** Returns the groups accepted in TLS 1.3, in the order they were tried. */
  public List<NamedGroup> groupsTls13() {
    return groupsTls13;
  }

  /** Returns the curves accepted in TLS 1.2, in the order they were tried. */
  public List<NamedGroup> groupsTls12() {
    return groupsTls12;
  }

  /** Returns the DHE prime size in bits, or -1 when no DHE suite was accepted. */
  public int dhBits() {
    return dhBits;
  }

  /** Returns the ALPN result, or null when no complete handshake succeeded. */
  public AlpnResult alpn() {
    return alpn;
  }

  /** Returns, per version tried with a complete handshake, whether a second handshake resumed the session. */
  public Map<TlsVersion, Boolean> resumption() {
    return resumption;
  }

  /**
   * Returns, per version, whether the server gives a client a session to resume with: for TLS 1.3 a NewSessionTicket
   * after the complete handshake; for TLS 1.2 a session ID, or the session_ticket extension echoed to a raw hello. A
   * server that forks per connection may issue one that only its own process can resume: then {@link #resumption()}
   * is false, but an FTPS data connection, served by the same process, can still reuse the session.
   */
  public Map<TlsVersion, Boolean> resumable() {
    return resumable;
  }

  /** Returns whether a TLS 1.2 ServerHello carried a session ID (resumption by ID offered), or null when unseen. */
  public Boolean tls12SessionId() {
    return tls12SessionId;
  }

  /** Returns whether a TLS 1.2 ServerHello promised a session ticket (RFC 5077), or null when unseen. */
  public Boolean tls12Ticket() {
    return tls12Ticket;
  }

  /** Returns whether the server stapled an OCSP response, or null when unknown. */
  public Boolean ocspStapled() {
    return ocspStapled;
  }

  /** Returns whether TLS 1.2-and-older hellos were answered with renegotiation_info, or null when not seen. */
  public Boolean secureRenegotiation() {
    return secureRenegotiation;
  }

  /** Returns whether TLS 1.2-and-older hellos were answered with extended_master_secret, or null when not seen. */
  public Boolean extendedMasterSecret() {
    return extendedMasterSecret;
  }

  /** Returns the JSSE protocol name of the complete JDK handshake, or null when none succeeded. */
  String negotiatedProtocol() {
    return negotiatedProtocol;
  }

  /** Returns the cipher suite of the complete JDK handshake, or null when none succeeded. */
  String negotiatedSuite() {
    return negotiatedSuite;
  }

  /** Returns the certificate chain as presented, leaf first; empty when none was seen. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** Returns how the chain was judged against the chosen trust anchors and name, or null without a chain. */
  public ValidationReport validation() {
    return validation;
  }

  /** Returns the findings, worst first. */
  public List<Finding> findings() {
    return findings;
  }

  /** Returns the overall judgement. */
  public Verdict verdict() {
    return verdict;
  }

  /** Returns the worst severity found, or null without findings. */
  public Finding.Severity worstSeverity() {
    return Finding.worst(findings);
  }
}
