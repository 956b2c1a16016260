package dev.tlskit.nativetls.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A pair of direct buffers ({@link #src}, {@link #dst}) lent to one {@code wrap} or {@code unwrap} call and its copies,
 * which never block: given heap buffers, netty's engine takes a pooled direct buffer of its own for every call (two
 * per record), while a connection keeps only heap buffers (idle connections stay small). A pair goes back before any
 * socket I/O but a write straight from it to a socket channel, which at most {@link #MAX_WRITERS} do at once, so the
 * pool holds about as many as calls run at once (the carrier threads) and those writers, and at most {@link #SLOTS}.
 * The pool is an array of slots: a thread starts looking at the slot its id picks, so taking and giving back is one
 * compare-and-set when threads do not collide, with no allocation (a queue allocated a node per record).
 */
final class Scratch {
  /** Room for four records of 2^14 bytes with BoringSSL's overhead, the most one write hands the engine at once. */
  static final int SIZE = 4 * ((1 << 14) + 1024);
  private static final int SLOTS = 32; // a power of two
  private static final AtomicReferenceArray<Scratch> POOL = new AtomicReferenceArray<>(SLOTS);

  /** The engine's input (plaintext to wrap, records to unwrap). */
  final ByteBuffer src = ByteBuffer.allocateDirect(SIZE);
  /** The engine's output. */
  final ByteBuffer dst = ByteBuffer.allocateDirect(SIZE);

  /**
   * The most writers that may hold a pair in a write to the socket (see {@code RecordIo.writeDirect}), which blocks
   * while the peer does not read: beyond them, writers copy and give the pair back first.
   */
  static final int MAX_WRITERS = 8;
  private static final AtomicInteger WRITERS = new AtomicInteger();

  private Scratch() {}

  /** True, counting the caller in, when fewer than {@link #MAX_WRITERS} hold a pair in a write; then call leave. */
  static boolean enterWriter() {
    return enter(WRITERS, MAX_WRITERS);
  }

  /**
   * The most readers that may hold a pair in a read of a record's body from the socket (see
   * {@code RecordIo.readDirect}), which blocks while the peer stalls inside a record (no longer than SO_TIMEOUT).
   */
  static final int MAX_READERS = 8;
  private static final AtomicInteger READERS = new AtomicInteger();

  /** True, counting the caller in, when fewer than {@link #MAX_READERS} hold a pair in a read; then leaveReader. */
  static boolean enterReader() {
    return enter(READERS, MAX_READERS);
  }

  /** Counts out a reader {@link #enterReader} let in. */
  static void leaveReader() {
    READERS.decrementAndGet();
  }

  private static boolean enter(AtomicInteger count, int max) {
    if (count.incrementAndGet() <= max) return true;
    count.decrementAndGet();
    return false;
  }

  /** Counts out a writer {@link #enterWriter} let in. */
  static void leaveWriter() {
    WRITERS.decrementAndGet();
  }

  /** Returns a pair of cleared buffers that only the caller uses until {@link #give}. */
  static Scratch take() {
    int start = (int) Thread.currentThread().threadId();
    for (int i = 0; i < SLOTS; i++) {
      int k = (start + i) & (SLOTS - 1);
      Scratch s = POOL.get(k);
      if (s != null && POOL.compareAndSet(k, s, null)) {
        s.src.clear();
        s.dst.clear();
        return s;
      }
    }
    return new Scratch();
  }

  /** Takes back a pair from {@link #take}; the caller must not touch it afterwards. */
  static void give(Scratch s) {
    int start = (int) Thread.currentThread().threadId();
    for (int i = 0; i < SLOTS; i++) {
      int k = (start + i) & (SLOTS - 1);
      if (POOL.get(k) == null && POOL.compareAndSet(k, null, s)) return;
    }
    // the pool is full: this pair is left to the garbage collector
  }
}
