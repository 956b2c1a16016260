package dev.tlskit.internal.server;

import dev.tlskit.internal.io.Closing;
import dev.tlskit.internal.concurrent.Threads;
import dev.tlskit.internal.tls.ProviderHook;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Listens on a server's addresses: one accept loop (a platform thread) per address, each admitting a new connection
 * within the limits ({@link Admission}) and handing it to its own virtual thread, or refusing it.
 */
public final class Acceptor {
  private final List<ServerSocket> sockets;
  private final Admission admission;
  private final ServerEvents events;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicLong ids = new AtomicLong();

  private Acceptor(List<ServerSocket> sockets, Admission admission, ServerEvents events) {
    this.sockets = sockets;
    this.admission = admission;
    this.events = events;
  }

  /** Binds every address of {@code config}; closes what it bound when one fails. */
  public static Acceptor bind(ServerConfig config, Admission admission, ServerEvents events) throws IOException {
    List<ServerSocket> bound = new ArrayList<>();
    try {
      for (InetSocketAddress a : config.addresses()) {
        // a provider that writes records straight to a channel gets connections accepted from one
        ServerSocket ss = ProviderHook.wantsChannel(config.policy()) ? ServerSocketChannel.open().socket()
            : new ServerSocket();
        bound.add(ss);
        ss.setReuseAddress(true);
        ss.bind(a, config.backlog());
      }
    } catch (IOException e) {
      bound.forEach(Closing::quietly);
      throw e;
    }
    return new Acceptor(List.copyOf(bound), admission, events);
  }

  /** Starts accepting; {@code serve} runs on each admitted connection's own virtual thread. */
  public void start(BiConsumer<Socket, Admission.Slot> serve) {
    for (ServerSocket ss : sockets) {
      // A platform thread: blocked in accept() it takes one system call per connection; a virtual thread took five
      // more (a failed accept, poller registration and wake-up, unpark) when connections arrive one at a time.
      Threads.startDaemon("tlskit-accept-" + ss.getLocalSocketAddress(), () -> acceptLoop(ss, serve));
    }
  }

  /** Returns the addresses listened on, with the ports actually bound. */
  public List<InetSocketAddress> addresses() {
    return sockets.stream().map(s -> (InetSocketAddress) s.getLocalSocketAddress()).toList();
  }

  /** Stops accepting and closes the listening sockets. */
  public void stop() {
    stopped.set(true);
    sockets.forEach(Closing::quietly);
  }

  private void acceptLoop(ServerSocket ss, BiConsumer<Socket, Admission.Slot> serve) {
    int failures = 0;
    while (!stopped.get()) {
      Socket s;
      try {
        s = ss.accept();
      } catch (IOException e) {
        if (!stopped.get() && !ss.isClosed()) events.acceptFailed(ss, e);
        if (ss.isClosed()) return;
        // An accept that failed (out of file descriptors, no buffers) fails again at once: pause instead of
        // spinning a CPU, longer while it goes on.
        try {
          Thread.sleep(backoffMillis(++failures));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
        continue;
      }
      failures = 0;
      Admission.Decision admitted = admission.admit(s);
      // The shed connection's own thread sees its socket closed and counts it (SHED), exactly once.
      if (admitted.shed() != null) Closing.quietly(admitted.shed().socket());
      if (admitted.admitted() == null) {
        events.refusedAtLimit(s);
        continue;
      }
      events.accepted();
      Admission.Slot slot = admitted.admitted();
      Threads.startVirtual("tlskit-connection-" + ids.incrementAndGet(), () -> serve.accept(s, slot));
    }
  }

  /** Returns the pause after the {@code failures}-th accept failure in a row: 5 ms, doubling, at most 1 s. */
  public static long backoffMillis(int failures) {
    return Math.min(1000, 5L << Math.min(Math.max(failures, 1) - 1, 8));
  }
}
