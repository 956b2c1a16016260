package dev.tlskit.bench;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import dev.tlskit.ftp.FtpClient;
import dev.tlskit.ftp.FtpSession;
import dev.tlskit.ftp.TransferListener;
import dev.tlskit.nativetls.NativeTls;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Downloads one file over explicit FTPS (AUTH TLS, protected data connections resuming the control session) with
 * TlsKit's FtpClient, {@code TIMES} times in one session, and prints the seconds each RETR took (data connection and
 * transfer; login excluded), for scripts/bench-ftps to compare with curl on the same server and file.
 *
 * <p>Usage: {@code FtpsDownload PORT CERT.pem USER PASSWORD_ENV REMOTE TIMES [jdk|native]} (the TLS provider of
 * the TlsClient, control and data connections; default jdk)
 */
public final class FtpsDownload {
  private FtpsDownload() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    TlsPolicy policy = TlsPolicy.builder().trust(Trust.fromFile(Path.of(args[1]), null)).build();
    if (args.length > 6 && args[6].equals("native")) {
      policy = policy.toBuilder().provider(NativeTls.provider()).build();
    } else if (args.length > 6 && !args[6].equals("jdk")) {
      throw new IllegalArgumentException("provider must be jdk or native: " + args[6]);
    }
    char[] password = System.getenv(args[3]).toCharArray();
    int times = Integer.parseInt(args[5]);
    FtpClient client = FtpClient.builder().client(TlsClient.builder().policy(policy).build()).build();
    try (FtpSession s = client.connect("127.0.0.1", port, "localhost")) {
      s.login(args[2], password);
      for (int i = 0; i < times; i++) {
        long start = System.nanoTime();
        s.retrieve(args[4], OutputStream.nullOutputStream(), 0, TransferListener.NONE);
        System.out.printf(java.util.Locale.ROOT, "%.4f%n", (System.nanoTime() - start) / 1e9);
      }
      s.quit();
    }
  }
}
