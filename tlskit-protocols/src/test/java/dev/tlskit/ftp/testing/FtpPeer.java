package dev.tlskit.ftp.testing;

import dev.tlskit.TlsPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What every real FTP server started by a test offers: its directories, certificate, port, files and process. */
public abstract class FtpPeer implements AutoCloseable {
  /** The temporary directory holding the server's configuration, certificate (cert.pem, key.pem) and logs. */
  public final Path dir;
  /** The directory the test user sees as its files. */
  public final Path root;
  /** The server's self-signed certificate, for localhost, 127.0.0.1 and ::1. */
  public final Path cert;
  public final int port;
  private final String fileOwner;
  private final Process process;

  FtpPeer(Path dir, Path root, int port, String fileOwner, Process process) {
    this.dir = dir;
    this.root = root;
    this.cert = dir.resolve("cert.pem");
    this.port = port;
    this.fileOwner = fileOwner;
    this.process = process;
  }

  /** Returns the default TLS policy, trusting exactly this server's self-signed certificate. */
  public TlsPolicy policy() throws IOException {
    return Peers.policy(cert);
  }

  /** Writes a file into the served directory, owned by the user the server runs sessions as. */
  public Path put(String name, byte[] content) throws IOException {
    Path f = Files.write(root.resolve(name), content);
    Peers.chown(f, fileOwner);
    return f;
  }

  @Override
  public void close() throws Exception {
    Peers.stop(process);
  }
}
