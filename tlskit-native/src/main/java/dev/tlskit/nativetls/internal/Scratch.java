package dev.tlskit.nativetls.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers lent to one {@code wrap} or {@code unwrap} call and its copies, which never block: given heap
 * buffers, netty's engine takes a pooled direct buffer of its own for every call (two per record), while a connection
 * keeps only heap buffers (idle connections stay small). A buffer goes back before any socket I/O, so the pool holds
 * about as many as calls run at once (the carrier threads), and at most {@link #KEPT}.
 */
final class Scratch {
  /** Room for four records of 2^14 bytes with BoringSSL's overhead, the most one write hands the engine at once. */
  static final int SIZE = 4 * ((1 << 14) + 1024);
  private static final int KEPT = 64;
  private static final ConcurrentLinkedQueue<ByteBuffer> POOL = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger pooled = new AtomicInteger();

  private Scratch() {}

  /** Returns a cleared direct buffer of {@link #SIZE} bytes that only the caller uses until {@link #give}. */
  static ByteBuffer take() {
    ByteBuffer b = POOL.poll();
    if (b == null) return ByteBuffer.allocateDirect(SIZE);
    pooled.decrementAndGet();
    return b.clear();
  }

  /** Takes back a buffer from {@link #take}; the caller must not touch it afterwards. */
  static void give(ByteBuffer b) {
    if (pooled.incrementAndGet() <= KEPT) POOL.offer(b);
    else pooled.decrementAndGet();
  }
}
