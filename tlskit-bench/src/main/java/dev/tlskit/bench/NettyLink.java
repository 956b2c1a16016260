package dev.tlskit.bench;

import dev.tlskit.bench.stacks.BenchStacks.Link;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.OpenSslSession;
import io.netty.handler.ssl.SslHandler;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;

/**
 * Gives the measuring thread blocking streams over a Netty client channel, as an application thread that talks to
 * Netty does: each flushed message is one {@code writeAndFlush} handed to the event loop (which encrypts it in the
 * {@code SslHandler}), writes wait while the channel is not writable (Netty's default high-water mark, 64 KiB), and
 * reads take what the event loop received. Every wait is bounded by the timeout.
 */
final class NettyLink extends ChannelInboundHandlerAdapter implements Link {
  private static final byte[] END = new byte[0];

  private final SslHandler tls;
  private final long timeoutMillis;
  private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
  private final Object writability = new Object();
  private final Input input = new Input();
  private final Output output = new Output();
  private volatile Channel channel;
  private volatile Throwable failure;

  /**
   * Makes the link for a channel whose pipeline holds {@code tls} before this handler. The link keeps {@code tls}
   * itself: once the channel has closed (a refused certificate closes it at once), Netty has emptied the pipeline and
   * looking the handler up there finds nothing.
   */
  NettyLink(SslHandler tls, long timeoutMillis) {
    this.tls = tls;
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * Waits, at most the timeout, until the TLS handshake is done and returns this link; on failure, or a channel that
   * closed before or during the handshake, closes the channel and throws an {@link IOException} with the cause.
   */
  NettyLink awaitHandshake() throws IOException {
    var handshake = tls.handshakeFuture();
    try {
      if (handshake.await(timeoutMillis) && handshake.isSuccess()) return this;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (channel != null) channel.close();
      throw new InterruptedIOException("interrupted during the Netty TLS handshake");
    }
    if (channel != null) channel.close();
    Throwable cause = handshake.isDone() ? handshake.cause() : null;
    throw new IOException("Netty TLS handshake failed: "
        + (cause != null ? cause : "not done in " + timeoutMillis + " ms"), cause);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    try {
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      if (bytes.length > 0) received.add(bytes);
    } finally {
      buf.release();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    synchronized (writability) {
      writability.notifyAll();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    received.add(END);
    synchronized (writability) {
      writability.notifyAll();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (failure == null) failure = cause;
    ctx.close();
  }

  @Override
  public InputStream in() {
    return input;
  }

  @Override
  public OutputStream out() {
    return output;
  }

  private SSLSession session() {
    return tls.engine().getSession();
  }

  @Override
  public String cipherSuite() {
    return session().getCipherSuite();
  }

  /** Returns the key exchange group negotiated where the engine tells it (OpenSSL), else "not reported". */
  String namedGroup() {
    return session() instanceof OpenSslSession s && s.getNamedGroup() != null ? s.getNamedGroup() : "not reported";
  }

  /** Closes the channel (the SslHandler sends close_notify first) and waits until it is closed. */
  @Override
  public void close() throws IOException {
    output.discard();
    try {
      if (!channel.close().await(timeoutMillis)) throw new SocketTimeoutException("Netty channel did not close");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while closing");
    }
  }

  private IOException failed(String what) {
    Throwable cause = failure;
    return cause == null ? new EOFException(what) : new IOException(what + ": " + cause, cause);
  }

  /** What the event loop received, read by the measuring thread. */
  private final class Input extends InputStream {
    private byte[] current = new byte[0];
    private int position;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) return 0;
      if (current == END) return -1;
      if (position == current.length) {
        try {
          current = received.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading");
        }
        position = 0;
        if (current == null) {
          current = new byte[0];
          throw new SocketTimeoutException("no data from the Netty channel in " + timeoutMillis + " ms");
        }
        if (current == END) {
          if (failure != null) throw failed("Netty channel failed");
          return -1;
        }
      }
      int n = Math.min(len, current.length - position);
      System.arraycopy(current, position, b, off, n);
      position += n;
      return n;
    }
  }

  /** Messages for the event loop: a write holds the bytes, the flush hands them over with writeAndFlush. */
  private final class Output extends OutputStream {
    private ByteBuf pending;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      awaitWritable();
      if (pending != null) channel.write(pending, channel.voidPromise());
      pending = channel.alloc().buffer(len).writeBytes(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      if (!channel.isActive()) throw failed("Netty channel closed");
      if (pending != null) {
        channel.writeAndFlush(pending, channel.voidPromise());
        pending = null;
      } else {
        channel.flush();
      }
    }

    void discard() {
      if (pending != null) pending.release();
      pending = null;
    }

    private void awaitWritable() throws IOException {
      if (channel.isWritable()) return;
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      synchronized (writability) {
        while (!channel.isWritable()) {
          if (!channel.isActive()) throw failed("Netty channel closed");
          long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (left <= 0) throw new SocketTimeoutException("Netty channel not writable for " + timeoutMillis + " ms");
          try {
            writability.wait(left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to write");
          }
        }
      }
    }
  }
}
