package dev.tlskit.nativetls;

import static dev.tlskit.nativetls.NativeHandshakeTest.NATIVE;
import static dev.tlskit.nativetls.NativeHandshakeTest.client;
import static dev.tlskit.nativetls.NativeHandshakeTest.echo;
import static dev.tlskit.nativetls.NativeHandshakeTest.server;
import static dev.tlskit.testing.AdapterPki.GOOD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsPolicy;
import dev.tlskit.TlsServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The native engine in library use logs nothing per connection, also for a policy BoringSSL cannot follow exactly. */
class NativeQuietTest {
  @Test
  void aPolicyWithOneTls13SuiteLogsNothingPerConnection() throws Exception {
    TlsPolicy one = NATIVE.toBuilder().protocols("TLSv1.3").cipherSuites(List.of("TLS_AES_128_GCM_SHA256")).build();
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.INFO.intValue()) records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    try (TlsServer s = server(one, GOOD, b -> b)) {
      TlsClient c = client(one);
      for (int i = 0; i < 5; i++) assertThat(echo(c, s.port()).protocol()).isEqualTo("TLSv1.3");
    } finally {
      root.removeHandler(capture);
    }
    // netty would say, per engine, that BoringSSL uses all its TLS 1.3 suites anyway: 10 lines for 5 connections
    assertThat(records).noneMatch(r -> r.getLoggerName() != null && r.getLoggerName().startsWith("io.netty"));
    assertThat(records.stream().filter(r -> "dev.tlskit.nativetls".equals(r.getLoggerName())).count())
        .as("TlsKit says it once per JVM").isLessThanOrEqualTo(1);
  }
}
