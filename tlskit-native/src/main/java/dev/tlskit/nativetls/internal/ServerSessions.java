package dev.tlskit.nativetls.internal;

import io.netty.handler.ssl.OpenSslServerSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * The server session context of a native {@code SSLContext}: BoringSSL keeps sessions per server context, and the
 * engine has one server context per ALPN list (and per protocols and suites a policy names), so every setting made
 * here (session timeout, cache size, shared ticket keys) is applied to each server context there is and to each one
 * made later. Reads answer from the contexts made so
 * far (the timeout and cache size are the same in all of them).
 */
public final class ServerSessions implements SSLSessionContext {
  private final NativeContextSpi spi;
  private final List<Consumer<OpenSslServerSessionContext>> settings = new ArrayList<>();

  ServerSessions(NativeContextSpi spi) {
    this.spi = spi;
  }

  /**
   * Makes every server context encrypt new tickets with {@code keys[0]} and decrypt with any of {@code keys}, in the
   * session ID context {@code sessionIdContext}: servers given the same values resume each other's sessions.
   *
   * @throws IllegalStateException when BoringSSL refuses the session ID context (longer than 32 bytes)
   */
  public void shareTickets(byte[] sessionIdContext, OpenSslSessionTicketKey[] keys) {
    set(new Tickets(sessionIdContext.clone(), keys.clone()));
  }

  /** Records {@code setting} for server contexts made later and applies it to those there are. */
  private void set(Consumer<OpenSslServerSessionContext> setting) {
    synchronized (settings) {
      settings.removeIf(s -> s.getClass() == setting.getClass()); // a new setting of a kind replaces the old
      settings.add(setting);
      for (ReferenceCountedOpenSslContext c : spi.serverContexts()) setting.accept(of(c));
    }
  }

  /**
   * Applies the settings made so far to a new server context, then runs {@code publish} (which makes it visible to
   * sockets), both under the lock {@link #set} takes: a setting made meanwhile reaches the context either way.
   */
  void adopt(ReferenceCountedOpenSslContext context, Runnable publish) {
    synchronized (settings) {
      for (Consumer<OpenSslServerSessionContext> s : settings) s.accept(of(context));
      publish.run();
    }
  }

  private static OpenSslServerSessionContext of(ReferenceCountedOpenSslContext c) {
    return (OpenSslServerSessionContext) c.sessionContext();
  }

  private OpenSslServerSessionContext any() {
    Collection<ReferenceCountedOpenSslContext> all = spi.serverContexts();
    return all.isEmpty() ? of(spi.defaultServer()) : of(all.iterator().next());
  }

  @Override
  public SSLSession getSession(byte[] sessionId) {
    for (ReferenceCountedOpenSslContext c : spi.serverContexts()) {
      SSLSession s = of(c).getSession(sessionId);
      if (s != null) return s;
    }
    return null;
  }

  @Override
  public Enumeration<byte[]> getIds() {
    List<byte[]> ids = new ArrayList<>();
    for (ReferenceCountedOpenSslContext c : spi.serverContexts()) {
      for (Enumeration<byte[]> e = of(c).getIds(); e.hasMoreElements(); ) ids.add(e.nextElement());
    }
    return Collections.enumeration(ids);
  }

  @Override
  public void setSessionTimeout(int seconds) {
    set(new Timeout(seconds));
  }

  @Override
  public int getSessionTimeout() {
    return any().getSessionTimeout();
  }

  @Override
  public void setSessionCacheSize(int size) {
    set(new CacheSize(size));
  }

  @Override
  public int getSessionCacheSize() {
    return any().getSessionCacheSize();
  }

  private record Tickets(byte[] sessionIdContext, OpenSslSessionTicketKey[] keys)
      implements Consumer<OpenSslServerSessionContext> {
    @Override
    public void accept(OpenSslServerSessionContext s) {
      if (!s.setSessionIdContext(sessionIdContext)) {
        throw new IllegalStateException("BoringSSL refused the session ID context (at most 32 bytes)");
      }
      s.setTicketKeys(keys);
    }
  }

  private record Timeout(int seconds) implements Consumer<OpenSslServerSessionContext> {
    @Override
    public void accept(OpenSslServerSessionContext s) {
      s.setSessionTimeout(seconds);
    }
  }

  private record CacheSize(int size) implements Consumer<OpenSslServerSessionContext> {
    @Override
    public void accept(OpenSslServerSessionContext s) {
      s.setSessionCacheSize(size);
    }
  }
}
