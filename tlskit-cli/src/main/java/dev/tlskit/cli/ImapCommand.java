package dev.tlskit.cli;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsClient;
import dev.tlskit.imap.Envelope;
import dev.tlskit.imap.ImapClient;
import dev.tlskit.imap.ImapLimits;
import dev.tlskit.imap.ImapMessage;
import dev.tlskit.imap.MailboxInfo;
import dev.tlskit.internal.starttls.StarttlsProtocol;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tlskit imap}: read a mailbox. */
@Command(name = "imap", mixinStandardHelpOptions = true, description = "IMAP client.",
    subcommands = {ImapCommand.ListMessages.class, ImapCommand.Fetch.class})
final class ImapCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Connects, secures and logs in as the options say. */
  static ImapClient open(TlsClient client, int port, GlobalOptions global, MailServerOptions mail)
      throws IOException {
    ImapClient imap = ImapClient.connect(client, mail.host(), port, mail.peerName(global), mail.mode(),
        ImapLimits.DEFAULTS);
    mail.decided = imap.tlsModeDecision();
    try {
      if (mail.hasUser()) mail.login(imap::login, imap::login);
      else if (!imap.authenticated()) throw new UsageException("--user and --password-env are required");
      return imap;
    } catch (IOException | RuntimeException e) {
      imap.close();
      throw e;
    }
  }

  /** Prints the server's [ALERT] texts on stderr, marked as coming from the server. */
  static void showAlerts(ImapClient imap, PrintWriter err) {
    for (String a : imap.alerts()) err.println("tlskit: server alert (server text): " + MailServerOptions.oneLine(a));
  }

  /** {@code tlskit imap list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"Lists the messages of a mailbox: UID, sender, subject.",
          "Default port: 993 with --tls auto/implicit, else 143."})
  static final class ListMessages implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin GlobalOptions global;
    @Mixin MailServerOptions mail;

    @Option(names = "--mailbox", defaultValue = "INBOX", paramLabel = "NAME",
        description = "Mailbox to list (default: ${DEFAULT-VALUE}).")
    String mailbox;

    @Override
    public Integer call() throws IOException {
      return MailRun.run(spec, global, mail, StarttlsProtocol.IMAP, ImapClient.IMAP_PORT, this::list);
    }

    private int list(TlsClient client, int port, Map<String, Object> json) throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      try (ImapClient imap = open(client, port, global, mail)) {
        MailboxInfo info = imap.examine(mailbox);
        List<ImapMessage> messages = info.exists() == 0 ? List.of() : imap.fetchEnvelopes("1:*");
        showAlerts(imap, spec.commandLine().getErr());
        imap.logout();
        if (global.json) {
          List<Map<String, Object>> items = new ArrayList<>();
          for (ImapMessage m : messages) {
            Envelope e = m.envelope();
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("uid", m.uid());
            item.put("from", from(e));
            item.put("subject", e == null ? null : e.subject());
            item.put("size", m.size());
            items.add(item);
          }
          json.put("mailbox", mailbox);
          json.put("messages", items);
        } else {
          for (ImapMessage m : messages) {
            Envelope e = m.envelope();
            out.println(m.uid() + "\t" + MailServerOptions.oneLine(from(e)) + "\t"
                + MailServerOptions.oneLine(e == null ? "" : e.subject()));
          }
        }
        return ExitCodes.OK;
      }
    }

    private static String from(Envelope e) {
      return e == null || e.from().isEmpty() ? "" : e.from().get(0).toString();
    }
  }

  /** {@code tlskit imap fetch}. */
  @Command(name = "fetch", mixinStandardHelpOptions = true,
      description = "Prints one message (RFC 5322) by UID, without marking it seen.")
  static final class Fetch implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin GlobalOptions global;
    @Mixin MailServerOptions mail;

    @Option(names = "--mailbox", defaultValue = "INBOX", paramLabel = "NAME",
        description = "Mailbox (default: ${DEFAULT-VALUE}).")
    String mailbox;

    @Option(names = "--uid", required = true, paramLabel = "N", description = "UID of the message.")
    long uid;

    @Override
    public Integer call() throws IOException {
      if (uid < 1) throw new UsageException("--uid must be positive: " + uid);
      return MailRun.run(spec, global, mail, StarttlsProtocol.IMAP, ImapClient.IMAP_PORT, this::fetch);
    }

    private int fetch(TlsClient client, int port, Map<String, Object> json) throws IOException {
      try (ImapClient imap = open(client, port, global, mail)) {
        imap.examine(mailbox);
        ImapMessage m = imap.fetchMessage(uid)
            .orElseThrow(() -> new ProtocolException("no message with UID " + uid + " in " + mailbox));
        showAlerts(imap, spec.commandLine().getErr());
        imap.logout();
        String message = new String(m.body() == null ? new byte[0] : m.body(), StandardCharsets.UTF_8);
        if (global.json) {
          json.put("mailbox", mailbox);
          json.put("uid", uid);
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
