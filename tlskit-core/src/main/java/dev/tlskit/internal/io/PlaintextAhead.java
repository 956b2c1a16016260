package dev.tlskit.internal.io;

import dev.tlskit.TlsSecurityException;
import java.io.IOException;
import java.net.Socket;

/**
 * Plaintext that arrived ahead of a TLS handshake: bytes the connection's one buffer holds unread, plus bytes the
 * socket has received. Once the upgrade was agreed, the peer must wait for the handshake, so any such byte is an
 * injection (CVE-2011-0411 class): a reply or command an attacker slipped in to be read as if it came over TLS. The
 * one check behind both sides' upgrade, client ({@code TlsConnection}) and server ({@code ServerConnection}).
 *
 * @param bytes how many bytes were waiting
 * @param preview the buffered ones, quoted by {@link PeerText}
 */
public record PlaintextAhead(int bytes, String preview) {
  /** Returns what is waiting on {@code socket} and in {@code in}, its one buffer, or null when nothing is. */
  public static PlaintextAhead of(LineInput in, Socket socket) throws IOException {
    int pending = in.buffered() + socket.getInputStream().available();
    return pending > 0 ? new PlaintextAhead(pending, in.previewBuffered()) : null;
  }

  /**
   * Returns the refusal to throw: {@code "<n> plaintext byte(s) from <who> <when> and were refused: <preview>"}.
   *
   * @param when what the bytes did, e.g. "arrived before the TLS handshake"
   */
  public TlsSecurityException refusal(Object who, String when) {
    return new TlsSecurityException(TlsSecurityException.Reason.INJECTION_DETECTED,
        bytes + " plaintext byte(s) from " + who + " " + when + " and were refused"
            + (preview.equals("\"\"") ? "" : ": " + preview));
  }
}
