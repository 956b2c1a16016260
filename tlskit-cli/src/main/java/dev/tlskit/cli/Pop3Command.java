package dev.tlskit.cli;

import dev.tlskit.TlsClient;
import dev.tlskit.internal.starttls.StarttlsProtocol;
import dev.tlskit.pop3.Pop3Client;
import dev.tlskit.pop3.Pop3Listing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  static Pop3Client open(TlsClient client, int port, GlobalOptions global, MailServerOptions mail)
      throws IOException {
    if (!mail.hasUser()) throw new UsageException("--user and --password-env are required");
    Pop3Client pop = Pop3Client.connect(client, mail.host(), port, mail.peerName(global), mail.mode());
    mail.decided = pop.tlsModeDecision();
    try {
      pop.channelBinding(mail.channelBinding());
      mail.login(pop::login, pop::login); // --auth's mechanism, else the strongest the CAPA list over TLS offers
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
      return MailRun.run(spec, global, mail, StarttlsProtocol.POP3, Pop3Client.POP3_PORT, this::list);
    }

    private int list(TlsClient client, int port, Map<String, Object> json) throws IOException {
      try (Pop3Client pop = open(client, port, global, mail)) {
        List<Map<String, Object>> items = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (Pop3Listing l : pop.list()) {
          String subject = pop.headers(l.number()).getOrDefault("subject", "");
          Map<String, Object> item = new LinkedHashMap<>();
          item.put("number", l.number());
          item.put("size", l.size());
          item.put("subject", subject);
          items.add(item);
          lines.add(l.number() + "\t" + l.size() + "\t" + MailServerOptions.oneLine(subject));
        }
        pop.quit();
        if (global.json) json.put("messages", items);
        else lines.forEach(spec.commandLine().getOut()::println);
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
      return MailRun.run(spec, global, mail, StarttlsProtocol.POP3, Pop3Client.POP3_PORT, this::retr);
    }

    private int retr(TlsClient client, int port, Map<String, Object> json) throws IOException {
      try (Pop3Client pop = open(client, port, global, mail)) {
        String message = new String(pop.retr(number), StandardCharsets.UTF_8);
        pop.quit();
        if (global.json) {
          json.put("number", number);
          json.put("message", message);
        } else {
          spec.commandLine().getOut().print(message);
          spec.commandLine().getOut().flush();
        }
        return ExitCodes.OK;
      }
    }
  }
}
