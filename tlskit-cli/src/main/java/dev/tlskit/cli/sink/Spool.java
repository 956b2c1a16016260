package dev.tlskit.cli.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes each accepted message to a directory as {@code <time>-<n>.eml}: trace headers naming the envelope and the
 * TLS in use, then the message exactly as received (after dot-unstuffing). A file appears complete or not at all.
 */
public final class Spool {
  /** What the SMTP transaction said about a message. {@code tls} is null for a plaintext session. */
  public record Envelope(String helo, String remote, String user, String from, List<String> recipients,
      String tls) {}

  private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
  private final Path dir;
  private final AtomicLong counter = new AtomicLong();

  public Spool(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  public Path directory() {
    return dir;
  }

  /** Stores a message and returns its file name. */
  public String store(Envelope env, byte[] message) throws IOException {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    String name = NAME.format(now) + "-" + ProcessHandle.current().pid() + "-" + counter.incrementAndGet() + ".eml";
    StringBuilder h = new StringBuilder();
    h.append("Return-Path: <").append(clean(env.from())).append(">\r\n");
    for (String r : env.recipients()) h.append("X-Tlskit-Rcpt: <").append(clean(r)).append(">\r\n");
    h.append("Received: from ").append(clean(env.helo())).append(" (").append(clean(env.remote())).append(")\r\n")
        .append("\tby tlskit-sink with ").append(env.tls() == null ? "ESMTP" : "ESMTPS")
        .append(env.user() == null ? "" : "A").append(env.tls() == null ? "" : " (" + env.tls() + ")")
        .append(env.user() == null ? "" : " user " + clean(env.user())).append(";\r\n\t")
        .append(DateTimeFormatter.RFC_1123_DATE_TIME.format(now)).append("\r\n");
    Path tmp = Files.createTempFile(dir, ".incoming-", ".tmp");
    try {
      byte[] head = h.toString().getBytes(StandardCharsets.UTF_8);
      byte[] all = new byte[head.length + message.length];
      System.arraycopy(head, 0, all, 0, head.length);
      System.arraycopy(message, 0, all, head.length, message.length);
      Files.write(tmp, all);
      Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return name;
  }

  /** Keeps header values on one line: client-supplied text must not add header lines. */
  private static String clean(String s) {
    return s == null ? "" : s.replaceAll("[\\r\\n\\t]", " ");
  }
}
