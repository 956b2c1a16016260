package dev.tlskit.bench;

import dev.tlskit.bench.stacks.BenchStacks;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslCloseCompletionEvent;

/**
 * Serves the ping and throughput exercises of the bench protocol ({@link BenchStacks#serve}) on the Netty
 * event loop, behind an {@code SslHandler}, as a Netty server would: no blocking, state kept between reads.
 * 'P': answers 'p' and waits for the client to close. 'T': reads batches of [8-byte length][that many bytes] until a
 * zero length, then answers the 8-byte total received. Anything else closes the connection.
 */
final class NettyBenchHandler extends ChannelInboundHandlerAdapter {
  private enum State { EXERCISE, LENGTH, BODY, DONE }

  private State state = State.EXERCISE;
  private long length; // the batch length being assembled, then the bytes of the batch still to come
  private int lengthBytes;
  private long total;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    try {
      while (in.isReadable()) {
        switch (state) {
          case EXERCISE -> {
            int exercise = in.readByte();
            if (exercise == BenchStacks.PING) {
              state = State.DONE;
              ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('p'));
            } else if (exercise == BenchStacks.THROUGHPUT) {
              state = State.LENGTH;
            } else {
              ctx.close();
              return;
            }
          }
          case LENGTH -> {
            length = (length << 8) | (in.readByte() & 0xff);
            if (++lengthBytes < Long.BYTES) continue;
            lengthBytes = 0;
            if (length > 0) {
              state = State.BODY;
            } else {
              state = State.DONE;
              ctx.writeAndFlush(ctx.alloc().buffer(Long.BYTES).writeLong(total));
            }
          }
          case BODY -> {
            int n = (int) Math.min(length, in.readableBytes());
            in.skipBytes(n);
            total += n;
            length -= n;
            if (length == 0) state = State.LENGTH;
          }
          case DONE -> in.skipBytes(in.readableBytes()); // the client's last byte before it closes
        }
      }
    } finally {
      in.release();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof SslCloseCompletionEvent) ctx.close(); // the client sent close_notify: the exercise is over
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a client that went away; the measurement on its side reports what matters
  }
}
