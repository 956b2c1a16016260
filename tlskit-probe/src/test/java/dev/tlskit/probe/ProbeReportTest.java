package dev.tlskit.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report is a frozen value; its text and JSON are written by one class each, exactly as before the split. */
class ProbeReportTest {
  /** A STARTTLS probe cut short by a busy server, with every field of the report set. */
  private static ProbeReport.Builder starttlsIncomplete() {
    ProbeReport.Builder b = new ProbeReport.Builder(new Target("127.0.0.1", 25, "mail.example", Starttls.SMTP,
        Duration.ofSeconds(5)), Instant.parse("2026-12-01T10:00:00Z"));
    b.duration = Duration.ofMillis(1234);
    b.handshakes = 42;
    b.retries = 2;
    b.complete = false;
    b.notes.add("a note");
    b.starttls = new ProbeReport.StarttlsResult(Starttls.SMTP, true, List.of("STARTTLS", "SIZE"),
        List.of("SIZE", "AUTH PLAIN"));
    b.versions.add(new ProbeReport.VersionResult(TlsVersion.TLS_1_3, true, null,
        List.of(CipherSuite.of(0x1301), CipherSuite.of(0x1302)), true));
    b.versions.add(new ProbeReport.VersionResult(TlsVersion.TLS_1_2, true, null,
        List.of(CipherSuite.of(0xC02F), CipherSuite.of(0x002F), CipherSuite.of(0xC013)), false));
    b.versions.add(new ProbeReport.VersionResult(TlsVersion.TLS_1_1, true, null, List.of(CipherSuite.of(0xC013)),
        null));
    b.versions.add(new ProbeReport.VersionResult(TlsVersion.TLS_1_0, false, "alert protocol_version (70)", List.of(),
        null));
    b.groupsTls13.add(NamedGroup.of(0x001D));
    b.groupsTls13.add(NamedGroup.of(0x0017));
    b.groupsTls12.add(NamedGroup.of(0x0018));
    b.dhBits = 2048;
    b.alpn = new ProbeReport.AlpnResult(List.of("h2", "http/1.1"), List.of("h2", "http/1.1"), "h2");
    b.resumption.put(TlsVersion.TLS_1_3, true);
    b.resumption.put(TlsVersion.TLS_1_2, false);
    b.resumable.put(TlsVersion.TLS_1_2, true);
    b.resumable.put(TlsVersion.TLS_1_3, true);
    b.tls12SessionId = true;
    b.tls12Ticket = true;
    b.ocspStapled = false;
    b.secureRenegotiation = true;
    b.extendedMasterSecret = false;
    b.negotiatedProtocol = "TLSv1.3";
    b.negotiatedSuite = "TLS_AES_128_GCM_SHA256";
    b.pending.clear();
    b.pending.add(ProbeReport.Check.ALPN);
    b.incomplete = new ProbeReport.Incomplete(ProbeReport.Incomplete.Cause.REFUSED, "421 busy",
        List.of(ProbeReport.Check.ALPN));
    return b;
  }

  /** Returns a file written by the report class before it was split into data, JSON and text. */
  private static String before(String name) throws IOException {
    try (InputStream in = ProbeReportTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void textReportIsByteForByteWhatTheCliPrintedBeforeTheSplit() throws IOException {
    assertThat(ProbeText.render(starttlsIncomplete().build())).isEqualTo(before("report-starttls-incomplete.txt"));
  }

  @Test
  void jsonDocumentIsByteForByteWhatTheCliPrintedBeforeTheSplit() throws IOException {
    assertThat(ProbeJson.toJson(starttlsIncomplete().build())).isEqualTo(before("report-starttls-incomplete.json"));
  }

  @Test
  void aBuiltReportDoesNotChangeWhenTheProberWritesOn() {
    ProbeReport.Builder b = starttlsIncomplete();
    ProbeReport r = b.build();
    String json = ProbeJson.toJson(r);

    b.notes.add("later");
    b.versions.clear();
    b.resumption.put(TlsVersion.TLS_1_1, false);
    b.groupsTls13.clear();
    b.pending.clear();
    b.handshakes++;

    assertThat(ProbeJson.toJson(r)).isEqualTo(json);
    assertThat(r.verdict()).isEqualTo(ProbeReport.Verdict.INCOMPLETE);
    assertThatThrownBy(() -> r.notes().add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> r.resumption().put(TlsVersion.TLS_1_0, true))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> r.findings().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void resumptionKeepsTheOrderTheProbeLearntIt() {
    ProbeReport r = starttlsIncomplete().build();
    assertThat(r.resumption().keySet()).containsExactly(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2);
    assertThat(ProbeJson.tree(r).get("resumption").toString()).isEqualTo("{TLS 1.3=true, TLS 1.2=false}");
  }
}
