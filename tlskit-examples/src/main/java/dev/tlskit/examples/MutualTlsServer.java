package dev.tlskit.examples;

import dev.tlskit.Authorizer;
import dev.tlskit.PeerIdentity;
import dev.tlskit.ServerCertificates;
import dev.tlskit.ServerConnection;
import dev.tlskit.ServerHandler;
import dev.tlskit.ServerTls;
import dev.tlskit.TlsServer;
import dev.tlskit.Trust;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Set;

/** A server that requires client certificates from one CA, and authorizes peers by certificate. */
public final class MutualTlsServer {
  private MutualTlsServer() {}

  /** Starts a server on a free loopback port that greets each admitted client by its certificate subject. */
  public static TlsServer start(Path certPem, Path keyPem, Path clientCaPem, Authorizer authorizer)
      throws IOException {
    // guide:server-mtls
    ServerCertificates certificates = ServerCertificates.builder().addPemFiles(certPem, keyPem).build();
    ServerHandler handler = c -> c.writeLine("hello " + c.peerIdentity().map(PeerIdentity::subject).orElseThrow());
    return TlsServer.builder(handler, certificates)
        .listen("127.0.0.1", 0)                                                  // 0: any free port, see port()
        .clientAuth(TlsServer.ClientAuth.NEED)                                   // no valid certificate: no handshake
        .trustedClientIssuers(Trust.fromFile(clientCaPem, null).certificates())  // only this CA's clients
        .authorizer(authorizer)                                                  // then: which of them?
        .start();
    // guide:end
  }

  /** Secures a socket the application accepted itself, with the same rules, and greets the client by certificate. */
  public static void greetAccepted(Socket accepted, Path certPem, Path keyPem, Path clientCaPem) throws IOException {
    // guide:server-accepted-socket
    ServerTls tls = TlsServer.builder(ServerCertificates.builder().addPemFiles(certPem, keyPem).build())
        .clientAuth(TlsServer.ClientAuth.NEED)
        .trustedClientIssuers(Trust.fromFile(clientCaPem, null).certificates())
        .buildServerTls();                                               // no listener: one for many sockets
    try (ServerConnection c = tls.secure(accepted)) {                    // explicit: tls.plaintext(accepted), your
      c.writeLine("hello " + c.peerIdentity().orElseThrow().subject());  // exchange, then c.upgradeToTls("220 go")
    }
    // guide:end
  }

  /** Returns an authorizer admitting clients whose certificate names one of {@code emails}. */
  public static Authorizer byEmail(Set<String> emails) {
    // guide:authorizer
    Authorizer byEmail = c -> c.peerIdentity()
        .map(id -> id.emails().stream().anyMatch(emails::contains))
        .orElse(false);
    // or Authorizer.fingerprints(Set.of("AB:CD:...")), Authorizer.requireCertificate()
    // guide:end
    return byEmail;
  }
}
