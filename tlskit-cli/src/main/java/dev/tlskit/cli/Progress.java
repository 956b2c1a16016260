package dev.tlskit.cli;

import dev.tlskit.ftp.TransferListener;
import java.io.Console;
import java.lang.reflect.Method;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A transfer progress bar on stderr, shown only when the output is a terminal and JSON was not asked for. */
final class Progress implements TransferListener, AutoCloseable {
  private final String task;
  private final boolean enabled;
  private ProgressBar bar;

  private Progress(String task, boolean enabled) {
    this.task = task;
    this.enabled = enabled;
  }

  static Progress start(String task, boolean json) {
    return new Progress(task, !json && isTerminal());
  }

  @Override
  public void progress(long transferred, long total) {
    if (!enabled) return;
    if (bar == null) {
      bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
          .setUnit(" MiB", 1 << 20).showSpeed().continuousUpdate().build();
    }
    bar.stepTo(transferred);
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  /**
   * Returns true when stdin/stdout are a terminal. Java 22+ returns a {@link Console} even when redirected and says
   * which through {@code Console.isTerminal()}, a public method this Java 21 build looks up at run time.
   */
  static boolean isTerminal() {
    Console c = System.console();
    if (c == null) return false;
    try {
      Method m = Console.class.getMethod("isTerminal");
      return (Boolean) m.invoke(c);
    } catch (ReflectiveOperationException e) {
      return true; // Java 21: a console exists only for a terminal
    }
  }
}
