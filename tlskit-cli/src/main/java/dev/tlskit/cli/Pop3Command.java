package dev.tlskit.cli;

import dev.tlskit.internal.json.JsonWriter;
import dev.tlskit.pop3.Pop3Client;
import dev.tlskit.pop3.Pop3Listing;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tlskit pop3}: read a maildrop. */
@Command(name = "pop3", mixinStandardHelpOptions = true, description = "POP3 client.",
    subcommands = {Pop3Command.ListMessages.class, Pop3Command.Retr.class})
final class Pop3Command implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static Pop3Client open(GlobalOptions global, MailServerOptions mail) throws IOException {
    if (!mail.hasUser()) throw new UsageException("--user and --password-env are required");
    Pop3Client pop = Pop3Client.connect(ClientOptions.client(global), mail.host(),
        mail.port(Pop3Client.POP3_PORT, Pop3Client.POP3S_PORT), mail.peerName(global), mail.mode());
    try {
      pop.login(mail.user, mail.password()); // what the CAPA list over TLS offers: AUTH PLAIN, else USER/PASS
      return pop;
    } catch (IOException | RuntimeException e) {
      pop.close();
      throw e;
    }
  }

  /** {@code tlskit pop3 list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"Lists the maildrop: number, size, subject.",
          "Default port: 995 with --tls auto/implicit, else 110."})
  static final class ListMessages implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin GlobalOptions global;
    @Mixin MailServerOptions mail;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      try (Pop3Client pop = open(global, mail)) {
        List<String> lines = new ArrayList<>();
        for (Pop3Listing l : pop.list()) {
          String subject = pop.headers(l.number()).getOrDefault("subject", "");
          lines.add(global.json
              ? "{\"number\":" + l.number() + ",\"size\":" + l.size() + ",\"subject\":"
                  + JsonWriter.toJson(subject) + "}"
              : l.number() + "\t" + l.size() + "\t" + MailServerOptions.oneLine(subject));
        }
        pop.quit();
        if (global.json) out.println("[" + String.join(",", lines) + "]");
        else lines.forEach(out::println);
        return ExitCodes.OK;
      }
    }
  }

  /** {@code tlskit pop3 retr}. */
  @Command(name = "retr", mixinStandardHelpOptions = true, description = "Prints one message (RFC 5322).")
  static final class Retr implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin GlobalOptions global;
    @Mixin MailServerOptions mail;

    @Parameters(paramLabel = "N", description = "Message number (see pop3 list).")
    int number;

    @Override
    public Integer call() throws IOException {
      if (number < 1) throw new UsageException("message numbers start at 1: " + number);
      try (Pop3Client pop = open(global, mail)) {
        byte[] message = pop.retr(number);
        pop.quit();
        PrintWriter out = spec.commandLine().getOut();
        out.print(new String(message, StandardCharsets.UTF_8));
        out.flush();
        return ExitCodes.OK;
      }
    }
  }
}
