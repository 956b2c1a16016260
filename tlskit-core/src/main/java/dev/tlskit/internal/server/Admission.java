package dev.tlskit.internal.server;

import java.net.Socket;
import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * Admits connections within two limits, one on all open connections and one on those not yet secured (PROXY header,
 * plaintext before STARTTLS, TLS handshake), and makes room for a new connection by shedding the oldest unsecured one
 * rather than refusing the newcomer. A new connection is refused only when every open connection is secured.
 *
 * <p>Why oldest first: a client that stalls its handshake (slowloris) holds its slot for as long as the server lets
 * it, while an honest handshake takes a few round trips. Shedding the oldest unsecured connection evicts the stalled
 * ones first; an honest client loses its slot only if as many newer unsecured connections as the limit arrive during
 * its own handshake. Secured connections are never shed. Thread-safe.
 */
public final class Admission {
  private final int maxConnections;
  private final int maxUnsecured;
  /** Unsecured slots in the order they were admitted: the first is the oldest. */
  private final LinkedHashSet<Slot> unsecured = new LinkedHashSet<>();
  private volatile int open;

  /**
   * @param maxConnections the most connections open at once
   * @param maxUnsecured the most of them not yet secured; at most {@code maxConnections}
   */
  public Admission(int maxConnections, int maxUnsecured) {
    if (maxUnsecured < 1 || maxUnsecured > maxConnections) {
      throw new IllegalArgumentException("maxUnsecured must be between 1 and maxConnections " + maxConnections + ": "
          + maxUnsecured);
    }
    this.maxConnections = maxConnections;
    this.maxUnsecured = maxUnsecured;
  }

  /** What {@link #admit} decided: {@code admitted} is null when the connection was refused. */
  public record Decision(Slot admitted, Slot shed) {}

  /**
   * Admits {@code socket}, shedding the oldest unsecured connection when either limit is reached. The caller closes
   * the shed connection's socket ({@link Slot#socket()}) and, when refused, the new one.
   */
  public synchronized Decision admit(Socket socket) {
    Slot shed = null;
    if (unsecured.size() >= maxUnsecured || open >= maxConnections) {
      Iterator<Slot> oldest = unsecured.iterator();
      if (!oldest.hasNext()) return new Decision(null, null); // all secured: nothing may be shed
      shed = oldest.next();
      oldest.remove();
      shed.shed = true;
      shed.released = true;
      open--;
    }
    Slot slot = new Slot(socket);
    unsecured.add(slot);
    open++;
    return new Decision(slot, shed);
  }

  /** Returns how many connections hold a slot. */
  public int open() {
    return open;
  }

  /** One admitted connection's place. */
  public final class Slot {
    private final Socket socket;
    private volatile boolean shed;
    private boolean released;

    private Slot(Socket socket) {
      this.socket = socket;
    }

    /** Returns the connection's socket, which whoever sheds it closes. */
    public Socket socket() {
      return socket;
    }

    /** Returns true when this connection was shed to make room for a newer one. */
    public boolean shed() {
      return shed;
    }

    /** Marks the connection secured, so it can no longer be shed; returns false when it was shed already. */
    public boolean secure() {
      synchronized (Admission.this) {
        if (shed) return false;
        unsecured.remove(this);
        return true;
      }
    }

    /** Gives the slot back when the connection ends; does nothing the second time or after a shed. */
    public void release() {
      synchronized (Admission.this) {
        if (released) return;
        released = true;
        unsecured.remove(this);
        open--;
      }
    }
  }
}
