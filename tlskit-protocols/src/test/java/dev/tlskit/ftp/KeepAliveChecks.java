package dev.tlskit.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

/** Control keep-alive against a real server: NOOPs during slow transfers, and the session in step afterwards. */
final class KeepAliveChecks {
  private KeepAliveChecks() {}

  /** A listener slow enough for several keep-alive intervals of 20 ms in a 1 MiB transfer. */
  private static final TransferListener SLOW = (done, total) -> {
    try {
      Thread.sleep(25);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  };

  static void slowTransfersKeepTheControlConnectionInStep(FtpSession s, byte[] content) throws Exception {
    String cwd = s.pwd();
    TransferResult up = s.store("keepalive.bin", new ByteArrayInputStream(content), SLOW);
    assertThat(up.bytes()).isEqualTo(content.length);
    assertThat(s.pwd()).isEqualTo(cwd); // no NOOP reply left over for the next command
    ByteArrayOutputStream down = new ByteArrayOutputStream();
    s.retrieve("keepalive.bin", down, 0, SLOW);
    assertThat(down.toByteArray()).isEqualTo(content);
    assertThat(s.size("keepalive.bin")).isEqualTo(content.length);
    assertThat(s.names("")).contains("keepalive.bin");
    assertThat(s.pwd()).isEqualTo(cwd);
  }
}
