package dev.tlskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoCommandTest {
  @Test
  void demoWalksThroughEveryStepAndExitsZero() {
    MainTest.Result r = MainTest.run("demo");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("[1/4] Implicit TLS").contains("S: hello over TLS")
        .contains("[2/4] STARTTLS").contains("S: 250 STARTTLS").contains("S: 220 2.0.0 Ready to start TLS")
        .contains("S: 250 AUTH PLAIN LOGIN")
        .contains("[3/4] Mutual TLS").contains("S: hello CN=demo-client").contains("certificate_required")
        .contains("[4/4] A bad certificate").contains("CERTIFICATE_REJECTED").contains("PROBLEM: certificate expired")
        .contains("PROBLEM: certificate not valid for localhost")
        .contains("All 4 steps behaved as expected.")
        .doesNotContain("NOT as expected");
  }
}
