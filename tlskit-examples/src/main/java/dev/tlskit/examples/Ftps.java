package dev.tlskit.examples;

import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsPolicy;
import dev.tlskit.Trust;
import dev.tlskit.ftp.FtpClient;
import dev.tlskit.ftp.FtpSession;
import dev.tlskit.ftp.TransferListener;
import dev.tlskit.ftp.TransferResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/** FTPS with AUTH TLS: protected data connections that resume the control session. */
public final class Ftps {
  private Ftps() {}

  /** Uploads {@code content} as {@code name}, downloads it again and returns what came back. */
  public static byte[] roundTrip(String host, int port, String peerName, Path caPem, String user, char[] password,
      String name, byte[] content) throws IOException {
    // guide:ftps
    TlsClient tls = TlsClient.builder()   // policy, proxy and timeouts: control and data connections alike
        .policy(TlsPolicy.builder().trust(Trust.fromFile(caPem, null)).build())
        .build();
    FtpClient ftp = FtpClient.builder().client(tls)
        .tlsMode(TlsMode.STARTTLS)        // AUTH TLS; IMPLICIT for port 990; AUTO: by port, else by looking
        .build();                         // data connections: PROT P, resuming the control session if the server does
    try (FtpSession s = ftp.connect(host, port, peerName)) {
      s.login(user, password);
      TransferResult up = s.store(name, new ByteArrayInputStream(content), TransferListener.NONE);
      System.out.println(up.bytes() + " bytes, resumed=" + up.protection().sessionResumed());
      ByteArrayOutputStream down = new ByteArrayOutputStream();
      s.retrieve(name, down, 0, TransferListener.NONE);
      s.quit();
      return down.toByteArray();
    }
    // guide:end
  }
}
