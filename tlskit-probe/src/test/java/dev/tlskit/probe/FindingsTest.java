package dev.tlskit.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rules of {@link Findings} that no real server in the tests reaches. */
class FindingsTest {
  private static ProbeReport.Builder ftpsReport() {
    ProbeReport.Builder r = new ProbeReport.Builder(new Target("127.0.0.1", 21, "localhost", Starttls.FTP,
        Duration.ofSeconds(5)), Instant.now());
    r.starttls = new ProbeReport.StarttlsResult(Starttls.FTP, true, List.of("AUTH TLS"), List.of("AUTH TLS"));
    r.versions.add(new ProbeReport.VersionResult(TlsVersion.TLS_1_3, true, null, List.of(CipherSuite.of(0x1301)),
        null));
    r.versions.add(new ProbeReport.VersionResult(TlsVersion.TLS_1_2, true, null, List.of(CipherSuite.of(0xC02F)),
        null));
    r.pending.clear();
    return r;
  }

  @Test
  void ftpsServerThatIssuesNoSessionInAnyVersionDefeatsDataReuse() {
    ProbeReport.Builder seen = ftpsReport();
    seen.resumption.put(TlsVersion.TLS_1_3, false);
    seen.resumption.put(TlsVersion.TLS_1_2, false);
    seen.resumable.put(TlsVersion.TLS_1_3, false);
    seen.resumable.put(TlsVersion.TLS_1_2, false);
    ProbeReport r = seen.build();

    assertThat(r.findings()).filteredOn(f -> f.id().equals("ftps-data-reuse")).singleElement()
        .satisfies(f -> {
          assertThat(f.severity()).isEqualTo(Finding.Severity.MEDIUM);
          assertThat(f.title()).contains("TLS 1.3, TLS 1.2");
          assertThat(f.detail()).contains("refuses every data connection");
        });
  }

  @Test
  void ftpsSessionIssuedButNotResumedByANewConnectionIsNoReuseProblem() {
    ProbeReport.Builder seen = ftpsReport();
    seen.resumption.put(TlsVersion.TLS_1_3, true);
    seen.resumption.put(TlsVersion.TLS_1_2, false);
    seen.resumable.put(TlsVersion.TLS_1_3, true);
    seen.resumable.put(TlsVersion.TLS_1_2, true);
    ProbeReport r = seen.build();

    assertThat(r.findings()).noneMatch(f -> f.id().equals("ftps-data-reuse"));
  }

  @Test
  void anIncompleteProbeJudgesOnlyTheChecksThatRanAndIsNeverBad() {
    ProbeReport.Builder seen = ftpsReport();
    seen.versions.set(1, new ProbeReport.VersionResult(TlsVersion.TLS_1_2, true, null, List.of(), null));
    seen.versions.add(new ProbeReport.VersionResult(TlsVersion.TLS_1_0, true, null, List.of(CipherSuite.of(0x002F)),
        null));
    seen.pending.addAll(List.of(ProbeReport.Check.SUITES, ProbeReport.Check.HANDSHAKE));
    seen.incomplete = new ProbeReport.Incomplete(ProbeReport.Incomplete.Cause.REFUSED, "421 busy",
        List.copyOf(seen.pending));
    ProbeReport r = seen.build();

    assertThat(r.findings()).extracting(Finding::id).contains("tls10-offered")
        .doesNotContain("no-modern-suite", "no-certificate-seen");
    assertThat(r.verdict()).isEqualTo(ProbeReport.Verdict.INCOMPLETE);
    assertThat(ProbeText.render(r)).contains("INCOMPLETE").contains("cipher suites and server order")
        .contains("only from the checks that completed");
  }
}
