package dev.tlskit.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@link FtpSession#abort()} against a real server: each abort leaves the control connection in step. */
final class AbortChecks {
  private AbortChecks() {}

  /** {@code remote} must hold {@code content} (several MiB, so no transfer ends within one buffer). */
  static void abortsDownloadsUploadsAndListings(FtpSession s, String remote, byte[] content) throws Exception {
    // from the listener, on the transfer's thread
    assertThatThrownBy(() -> s.retrieve(remote, OutputStream.nullOutputStream(), 0, (done, total) -> s.abort()))
        .isInstanceOfSatisfying(TransferAbortedException.class, e -> {
          assertThat(e.bytes()).isPositive().isLessThan(content.length);
          assertThat(e.replies()).as(e.getMessage()).isNotEmpty()
              .anySatisfy(r -> assertThat(r.code()).isIn(225, 226));
          assertThat(e.getMessage()).contains("RETR " + remote + " aborted after");
        });
    assertThat(s.size(remote)).isEqualTo(content.length); // the next command gets its own reply

    // from another thread, while the transfer's thread is busy
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    OutputStream slow = new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        started.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    CompletableFuture<Object> running = CompletableFuture.supplyAsync(() -> {
      try {
        return s.retrieve(remote, slow, 0, TransferListener.NONE);
      } catch (IOException e) {
        return e;
      }
    });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    s.abort();
    release.countDown();
    assertThat(running.get(30, TimeUnit.SECONDS)).isInstanceOf(TransferAbortedException.class);
    assertThat(s.size(remote)).isEqualTo(content.length);

    // an upload: reported as an upload failure, caused by the abort
    assertThatThrownBy(() -> s.store("aborted-" + remote, new ByteArrayInputStream(content),
        (done, total) -> s.abort()))
        .isInstanceOfSatisfying(UploadFailedException.class, e -> {
          assertThat(e.getCause()).isInstanceOf(TransferAbortedException.class);
          assertThat(e.remoteFile()).isEqualTo(UploadFailedException.RemoteFile.PARTIALLY_WRITTEN);
        });
    assertThat(s.size(remote)).isEqualTo(content.length);

    s.abort(); // no transfer running: nothing happens
    assertThat(s.size(remote)).isEqualTo(content.length);
  }
}
