package dev.tlskit.internal.server;

import dev.tlskit.internal.concurrent.Watchdog;
import dev.tlskit.internal.io.Closing;
import dev.tlskit.ServerConnection;
import dev.tlskit.ServerListener;
import dev.tlskit.ServerMetrics;
import dev.tlskit.ServerMetrics.HandshakeFailure;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Records what happens to a server's connections: counts it ({@link #metrics}), tells the {@link ServerListener}, and
 * logs it, throttling every line a peer can repeat at will (see {@link dev.tlskit.TlsServer}'s class documentation).
 */
public final class ServerEvents {
  /** The server's logger. */
  public static final System.Logger LOG = System.getLogger("dev.tlskit.server");
  /** How often a throttled log line may repeat. */
  public static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

  private final ServerListener listener;
  private final int maxConnections;
  private final LogThrottle atLimitLog;
  private final LogThrottle shedLog;
  private final LogThrottle proxyHeaderLog;
  private final LogThrottle timeoutLog;
  private final LogThrottle callbackLog;
  private final LogThrottle acceptLog;
  private final LongAdder total = new LongAdder();
  private final LongAdder refusedAtLimit = new LongAdder();
  private final LongAdder handshakesOk = new LongAdder();
  private final Map<HandshakeFailure, LongAdder> failures = new EnumMap<>(HandshakeFailure.class);
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();

  public ServerEvents(ServerConfig config, Watchdog timer) {
    this.listener = config.listener();
    this.maxConnections = config.maxConnections();
    this.atLimitLog = throttle(timer, Level.WARNING, (n, secs) -> "refused " + n + " more connection(s) at the limit "
        + "of " + maxConnections + " in the last " + secs + " s");
    this.shedLog = throttle(timer, Level.WARNING, (n, secs) -> "shed " + n + " more connection(s) not yet secured to "
        + "make room for newer ones (limits: " + config.maxHandshakes() + " unsecured, " + maxConnections + " in all) "
        + "in the last " + secs + " s");
    this.proxyHeaderLog = throttle(timer, Level.WARNING, (n, secs) -> "refused " + n + " more connection(s) without a "
        + "valid PROXY header in the last " + secs + " s");
    this.timeoutLog = throttle(timer, Level.INFO, (n, secs) -> "closed " + n + " more connection(s) not secured in "
        + "time (handshake timeout " + config.handshakeTimeout().toMillis() + " ms, setup timeout "
        + config.setupTimeout().toMillis() + " ms) in the last " + secs + " s");
    this.callbackLog = throttle(timer, Level.WARNING, (n, secs) -> n + " more failure(s) of the server listener or "
        + "authorizer in the last " + secs + " s");
    this.acceptLog = throttle(timer, Level.WARNING, (n, secs) -> n + " more accept failure(s) in the last " + secs
        + " s");
    for (HandshakeFailure f : HandshakeFailure.values()) failures.put(f, new LongAdder());
  }

  private static LogThrottle throttle(Watchdog timer, Level level, LogThrottle.Summary summary) {
    return new LogThrottle(LOG, level, LOG_INTERVAL, timer, summary);
  }

  /** Counts an admitted connection. */
  public void accepted() {
    total.increment();
  }

  /** Counts, closes and logs a connection refused because every open one is secured and the limit is reached. */
  public void refusedAtLimit(Socket s) {
    refusedAtLimit.increment(); // before the close, so a client that sees the close sees the count
    Closing.quietly(s);
    atLimitLog.log(() -> "refused " + s.getRemoteSocketAddress() + ": " + maxConnections + " connections open "
        + "and secured (the limit); further refusals are summarized every " + LOG_INTERVAL.toSeconds() + " s", null);
  }

  /** Logs a failed {@code accept}. */
  public void acceptFailed(ServerSocket ss, IOException e) {
    acceptLog.log(() -> "accept failed on " + ss + "; further failures are summarized", e);
  }

  /**
   * Reports a refusal to the listener, then counts it. In that order: whoever sees the count in {@link #metrics} (a
   * volatile read of what the increment wrote) then also sees everything the listener did. Counted first, a test that
   * waited for the count and then read its listener's records could find them empty.
   */
  public void refused(HandshakeFailure why, InetSocketAddress remote, String detail) {
    try {
      listener.refused(remote, why, detail);
    } catch (RuntimeException e) {
      listenerFailed(e);
    }
    failures.get(why).increment();
    LOG.log(Level.DEBUG, "refused {0}: {1}: {2}", remote, why, detail);
    LogThrottle aggregate = switch (why) {
      case TIMEOUT, SETUP_TIMEOUT -> timeoutLog;
      case SHED -> shedLog;
      case PROXY_HEADER_INVALID -> proxyHeaderLog;
      default -> null; // routine on any public port: DEBUG above, the listener and metrics() have each one
    };
    if (aggregate != null) {
      aggregate.log(() -> "refused " + remote + ": " + why + ": " + detail + "; further ones are summarized every "
          + LOG_INTERVAL.toSeconds() + " s", null);
    }
  }

  /** Reports a secured and authorized connection to the listener, then counts it (in that order, as refusals). */
  public void secured(ServerConnection c) {
    try {
      listener.secured(c);
    } catch (RuntimeException e) {
      listenerFailed(e);
    }
    handshakesOk.increment();
  }

  /** Reports the end of a connection that was not refused. */
  public void closed(ServerConnection c, Throwable error) {
    try {
      listener.closed(c, error);
    } catch (RuntimeException e) {
      listenerFailed(e);
    }
  }

  /** Logs a failure of the authorizer, which refuses the peer. */
  public void authorizerFailed(InetSocketAddress remote, RuntimeException e) {
    callbackLog.log(() -> "authorizer failed for " + remote + "; refusing the peer", e);
  }

  private void listenerFailed(RuntimeException e) {
    callbackLog.log(() -> "server listener failed; further failures are summarized", e);
  }

  /** Returns the counter of application bytes read. */
  public LongAdder bytesIn() {
    return bytesIn;
  }

  /** Returns the counter of application bytes written. */
  public LongAdder bytesOut() {
    return bytesOut;
  }

  /** Returns a snapshot of the counters, with {@code open} connections open now. */
  public ServerMetrics metrics(long open) {
    Map<HandshakeFailure, Long> failed = new EnumMap<>(HandshakeFailure.class);
    failures.forEach((k, v) -> {
      if (v.sum() > 0) failed.put(k, v.sum());
    });
    return new ServerMetrics(open, total.sum(), refusedAtLimit.sum(), handshakesOk.sum(), failed, bytesIn.sum(),
        bytesOut.sum());
  }

  /** Logs what the throttles still hold (at shutdown). */
  public void flush() {
    for (LogThrottle t : List.of(atLimitLog, shedLog, proxyHeaderLog, timeoutLog, callbackLog, acceptLog)) t.flush();
  }
}
