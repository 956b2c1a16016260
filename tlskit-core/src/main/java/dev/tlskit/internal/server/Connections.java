package dev.tlskit.internal.server;

import dev.tlskit.internal.io.Closing;
import dev.tlskit.PeerIdentity;
import dev.tlskit.SecurityInfo;
import dev.tlskit.ServerConnection;
import dev.tlskit.ServerMetrics.HandshakeFailure;
import dev.tlskit.TlsMode;
import dev.tlskit.TlsSecurityException;
import dev.tlskit.ValidationReport;
import dev.tlskit.internal.concurrent.Watchdog;
import dev.tlskit.internal.tls.HandshakeFailures;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * Sets up each connection a server admitted, on its own thread: PROXY header, TLS handshake (at once, or when the
 * handler upgrades), authorizer, then the handler; and tracks the open ones so that shutdown can drain them. Each
 * connection's setup is the {@link Upgrader} of its {@link ServerConnection}.
 */
public final class Connections {
  /** Makes a {@link ServerConnection} (whose constructor is not public). */
  public interface Factory {
    /** Opens a connection over {@code raw}; with {@code tls}, secures it (handshake and authorizer) first. */
    ServerConnection open(Socket raw, InetSocketAddress remote, Upgrader upgrader, boolean tls) throws IOException;
  }

  private static final String SHED_DETAIL = "not yet secured, and the oldest such: closed to make room for a newer "
      + "connection";

  private final ServerConfig config;
  private final ServerHandshake tls;
  private final ServerEvents events;
  private final Admission admission;
  private final Watchdog timer;
  private final Factory factory;
  private final BooleanSupplier shuttingDown;
  private final Set<Setup> live = ConcurrentHashMap.newKeySet();
  private final Object drainLock = new Object();

  public Connections(ServerConfig config, ServerHandshake tls, ServerEvents events, Admission admission,
      Watchdog timer, Factory factory, BooleanSupplier shuttingDown) {
    this.config = config;
    this.tls = tls;
    this.events = events;
    this.admission = admission;
    this.timer = timer;
    this.factory = factory;
    this.shuttingDown = shuttingDown;
  }

  /** Serves one admitted connection to its end; runs on the connection's own thread. */
  public void serve(Socket raw, Admission.Slot slot) {
    new Setup(raw, slot, config.setupTimeout().toNanos()).run();
  }

  /**
   * Opens a connection over a socket the application accepted itself, on the caller's thread: no admission, setup
   * timeout or handler; reads wait at most the idle timeout, a handshake at most the handshake timeout; with {@code
   * tls}, secured (handshake and authorizer) before this returns. The caller closes it.
   */
  public ServerConnection adopt(Socket raw, boolean tls) throws IOException {
    raw.setSoTimeout(millis(config.idleTimeout()));
    return factory.open(raw, null, new Setup(raw, null, Long.MAX_VALUE / 4), tls);
  }

  /**
   * Waits up to {@code drain} for open connections to end on their own, then closes the rest. Returns true when every
   * connection ended within the drain time.
   */
  public boolean drain(Duration drain) {
    long deadline = System.nanoTime() + drain.toNanos();
    synchronized (drainLock) {
      long left;
      while (admission.open() > 0 && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(drainLock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    boolean drained = admission.open() == 0;
    if (!drained) {
      ServerEvents.LOG.log(Level.INFO, "closing {0} connection(s) still open after the drain time", live.size());
      for (Setup s : live) Closing.quietly(s.raw);
    }
    return drained;
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
  }

  /** The deadline of a pre-TLS phase, and the reason counted when it passes. */
  private record Phase(SocketDeadline deadline, HandshakeFailure onTimeout) {}

  /** One connection, from accept to close. */
  private final class Setup implements Upgrader {
    private final Socket raw;
    private final Admission.Slot slot; // null: adopted, outside the server's limits
    /** When (System.nanoTime) the setup timeout ends: the connection must be secured by then. */
    private final long setupEnd;
    private InetSocketAddress remote;
    /** Closes a STARTTLS-mode connection still in plaintext at {@link #setupEnd}; null over implicit TLS. */
    private SocketDeadline plaintextDeadline;
    private boolean refused;

    Setup(Socket raw, Admission.Slot slot, long setupNanos) {
      this.raw = raw;
      this.slot = slot;
      this.setupEnd = System.nanoTime() + setupNanos;
      this.remote = (InetSocketAddress) raw.getRemoteSocketAddress();
    }

    private boolean shed() {
      return slot != null && slot.shed();
    }

    void run() {
      live.add(this);
      ServerConnection c = null;
      Throwable error = null;
      try {
        raw.setTcpNoDelay(true);
        if (config.proxyProtocol()) remote = readProxyHeader();
        boolean implicit = config.mode() == TlsMode.IMPLICIT;
        if (!implicit) {
          raw.setSoTimeout(millis(config.idleTimeout()));
          // The idle timeout restarts at every byte, so a client trickling bytes would stay in plaintext forever;
          // this bounds the whole plaintext phase. handshake() cancels it and bounds the handshake by what is left.
          plaintextDeadline = SocketDeadline.start(timer, raw, setupEnd - System.nanoTime());
        }
        c = factory.open(raw, remote, this, implicit);
        config.handler().handle(c);
      } catch (IOException | RuntimeException e) {
        if (!refused) { // a refusal is counted and reported already
          error = e;
          // a supplier: the message is built only when DEBUG is on (a reset client ends in an exception, routinely)
          ServerEvents.LOG.log(Level.DEBUG, () -> "connection from " + raw.getRemoteSocketAddress() + " ended: " + e,
              e);
        }
      } finally {
        if (plaintextDeadline != null) plaintextDeadline.cancel(); // else the timer's queue holds the socket
        if (!refused) {
          if (shed()) {
            refuse(HandshakeFailure.SHED, SHED_DETAIL);
          } else if (plaintextDeadline != null && plaintextDeadline.passed()) {
            refuse(HandshakeFailure.SETUP_TIMEOUT, "still plaintext after the setup timeout of "
                + config.setupTimeout().toMillis() + " ms");
          }
        }
        // The connection first: over TLS it sends close_notify. Closing the raw socket first cut the TLS stream,
        // which clients report as truncation and OpenSSL punishes by not resuming the session (scripts/bench-openssl).
        if (c != null) Closing.quietly(c);
        Closing.quietly(raw);
        live.remove(this);
        if (c != null && !refused) events.closed(c, error);
        slot.release();
        synchronized (drainLock) {
          drainLock.notifyAll();
        }
      }
    }

    private InetSocketAddress readProxyHeader() throws IOException {
      Phase phase = phase();
      try {
        raw.setSoTimeout(millis(config.handshakeTimeout()));
        return ProxyProtocol.read(raw.getInputStream()).source();
      } catch (IOException e) {
        HandshakeFailure why = shed() ? HandshakeFailure.SHED : phase.deadline().passed() ? phase.onTimeout()
            : e instanceof SocketTimeoutException ? HandshakeFailure.TIMEOUT : HandshakeFailure.PROXY_HEADER_INVALID;
        refuse(why, why == HandshakeFailure.SHED ? SHED_DETAIL : e.getMessage());
        throw e;
      } finally {
        phase.deadline().cancel();
      }
    }

    /** Starts a phase bounded by the handshake timeout, or by what is left of the setup timeout if that ends first. */
    private Phase phase() {
      long left = setupEnd - System.nanoTime();
      long limit = config.handshakeTimeout().toNanos();
      return left < limit ? new Phase(SocketDeadline.start(timer, raw, left), HandshakeFailure.SETUP_TIMEOUT)
          : new Phase(SocketDeadline.start(timer, raw, limit), HandshakeFailure.TIMEOUT);
    }

    @Override
    public Secured handshake(Socket plain) throws IOException {
      if (plaintextDeadline != null) plaintextDeadline.cancel(); // the handshake's own deadline takes over
      Phase phase = phase();
      SocketDeadline deadline = phase.deadline();
      ServerHandshake.Attempt attempt = null;
      try {
        raw.setSoTimeout(millis(config.handshakeTimeout()));
        attempt = tls.attempt(raw, () -> events.refused(HandshakeFailure.RENEGOTIATION_REFUSED, remote,
            "client-initiated renegotiation"));
        attempt.run();
        deadline.cancel();
        if (deadline.passed()) throw new SocketTimeoutException("handshake deadline passed");
        if (slot != null && !slot.secure()) throw new SocketException("shed just before its handshake completed");
      } catch (IOException | RuntimeException e) {
        deadline.cancel();
        throw failed(e, phase, attempt);
      }
      SecurityInfo info = attempt.describe();
      if (config.alpnRequired() && info.alpn() == null) {
        refuse(HandshakeFailure.ALPN_MISMATCH, "client offered no ALPN protocol; required one of " + config.alpn());
        throw new TlsSecurityException(HandshakeFailure.ALPN_MISMATCH, "client " + remote + " offered no ALPN "
            + "protocol; this server requires one of " + config.alpn(), null, null);
      }
      attempt.socket().setSoTimeout(millis(config.idleTimeout()));
      return new Secured(attempt.socket(), info);
    }

    /** Counts and reports a failed handshake, and returns what to throw. */
    private IOException failed(Exception e, Phase phase, ServerHandshake.Attempt attempt) {
      ValidationReport report = attempt == null ? null : attempt.rejection();
      HandshakeFailure why = shed() ? HandshakeFailure.SHED
          : phase.deadline().passed() ? phase.onTimeout()
          // the plaintext phase's deadline passed just before it was cancelled, closing the socket under us
          : plaintextDeadline != null && plaintextDeadline.passed() ? HandshakeFailure.SETUP_TIMEOUT
          : report != null ? HandshakeFailure.CERTIFICATE_REJECTED
          : attempt != null && attempt.alpnRefused() ? HandshakeFailure.ALPN_MISMATCH
          : HandshakeFailures.classify(e);
      refuse(why, why == HandshakeFailure.SHED ? SHED_DETAIL : String.valueOf(e.getMessage()));
      if (why == HandshakeFailure.TIMEOUT || why == HandshakeFailure.SETUP_TIMEOUT) {
        return new SocketTimeoutException("TLS handshake with " + remote + " did not finish within the "
            + (why == HandshakeFailure.TIMEOUT ? "handshake timeout of " + config.handshakeTimeout().toMillis()
                : "setup timeout of " + config.setupTimeout().toMillis()) + " ms");
      }
      return new TlsSecurityException(why, "TLS handshake with " + remote + " failed (" + why + "): "
          + e.getMessage() + (report == null ? "" : "; " + report.problemSummary()), report, e);
    }

    @Override
    public void admit(ServerConnection c) throws IOException {
      boolean admitted;
      try {
        admitted = config.authorizer().permits(c);
      } catch (RuntimeException e) {
        events.authorizerFailed(remote, e);
        admitted = false;
      }
      if (!admitted) {
        String who = c.peerIdentity().map(PeerIdentity::toString).orElse("no client certificate");
        refuse(HandshakeFailure.PEER_NOT_AUTHORIZED, who);
        throw new TlsSecurityException(HandshakeFailure.PEER_NOT_AUTHORIZED,
            "peer " + remote + " (" + who + ") refused by the authorizer", null, null);
      }
      events.secured(c);
    }

    @Override
    public void refuse(HandshakeFailure why, String detail) {
      refused = true;
      events.refused(why, remote, detail);
    }

    @Override
    public boolean shuttingDown() {
      return shuttingDown.getAsBoolean();
    }

    @Override
    public LongAdder bytesIn() {
      return events.bytesIn();
    }

    @Override
    public LongAdder bytesOut() {
      return events.bytesOut();
    }
  }
}
