package dev.tlskit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records what a {@code System.Logger} logs at INFO and above (the levels on by default), through the JDK's
 * java.util.logging backend, which {@code System.getLogger} uses when no other LoggerFinder is installed.
 */
final class LogCapture extends Handler implements AutoCloseable {
  private final Logger logger; // held: java.util.logging keeps loggers weakly
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  private LogCapture(String name) {
    this.logger = Logger.getLogger(name);
    setLevel(Level.INFO);
    logger.addHandler(this);
  }

  /** Starts recording what the logger {@code name} logs at INFO and above. */
  static LogCapture of(String name) {
    return new LogCapture(name);
  }

  /** Returns the formatted messages recorded so far, oldest first. */
  List<String> messages() {
    return records.stream().map(r -> r.getLevel() + " " + java.text.MessageFormat.format(r.getMessage(),
        r.getParameters() == null ? new Object[0] : r.getParameters())).toList();
  }

  @Override
  public void publish(LogRecord record) {
    if (isLoggable(record)) records.add(record);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
