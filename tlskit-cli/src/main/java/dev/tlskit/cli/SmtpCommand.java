package dev.tlskit.cli;

import dev.tlskit.TlsClient;
import dev.tlskit.internal.starttls.StarttlsProtocol;
import dev.tlskit.smtp.MimeMail;
import dev.tlskit.smtp.RecipientResult;
import dev.tlskit.smtp.SendResult;
import dev.tlskit.smtp.SimpleMail;
import dev.tlskit.smtp.SmtpClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tlskit smtp}: send mail through a submission server. */
@Command(name = "smtp", mixinStandardHelpOptions = true, description = "SMTP submission client.",
    subcommands = SmtpCommand.Send.class)
final class SmtpCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code tlskit smtp send}. */
  @Command(name = "send", mixinStandardHelpOptions = true,
      description = {"Sends one message. Default port: 465 with --tls auto/implicit, else 587.",
          "Exit code 1 when any recipient is refused (the others still get the message)."})
  static final class Send implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin GlobalOptions global;
    @Mixin MailServerOptions mail;

    @Option(names = "--from", required = true, paramLabel = "ADDR", description = "Envelope and header sender.")
    String from;

    @Option(names = "--to", required = true, arity = "1..*", paramLabel = "ADDR", description = "Recipients.")
    List<String> to;

    @Option(names = "--helo", paramLabel = "NAME", defaultValue = "localhost",
        description = "Name to say in EHLO (default: ${DEFAULT-VALUE}).")
    String helo;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Content content;

    static final class Content {
      @Option(names = "--file", paramLabel = "MSG.eml", description = "RFC 5322 message to send as it is.")
      Path file;

      @ArgGroup(exclusive = false)
      Simple simple;
    }

    static final class Simple {
      @Option(names = "--subject", required = true, paramLabel = "TEXT", description = "Subject of a composed mail.")
      String subject;

      @Option(names = "--body", paramLabel = "TEXT",
          description = "Plain-text body (required unless --html is given).")
      String body;

      @Option(names = "--html", paramLabel = "FILE",
          description = "HTML body (UTF-8 file), sent as the alternative to --body when both are given.")
      Path html;

      @Option(names = "--attach", paramLabel = "FILE",
          description = "Attaches a file (repeatable); its type is guessed from its name.")
      List<Path> attach = new ArrayList<>();
    }

    @Override
    public Integer call() throws IOException {
      return MailRun.run(spec, global, mail, StarttlsProtocol.SMTP, SmtpClient.SUBMISSION_PORT, this::send);
    }

    private int send(TlsClient client, int port, Map<String, Object> json) throws IOException {
      // checked before dialling (inside MailRun, so --json still prints its document): a malformed address or a
      // missing body is a usage error, exit 2, not the server's business
      if (!from.isEmpty()) SmtpClient.checkAddress("--from", from);
      for (String rcpt : to) SmtpClient.checkAddress("--to", rcpt);
      MimeMail composed = null;
      if (content.simple != null) {
        if (content.simple.body == null && content.simple.html == null) {
          throw new UsageException("--subject needs --body, --html or both");
        }
        if (content.simple.html != null || !content.simple.attach.isEmpty()) composed = mime(content.simple);
      }
      try (SmtpClient smtp = SmtpClient.connect(client, mail.host(), port, mail.peerName(global), mail.mode(), helo)) {
        mail.decided = smtp.tlsModeDecision();
        smtp.channelBinding(mail.channelBinding());
        if (mail.hasUser()) mail.login(smtp::login, smtp::login);
        SendResult result;
        if (content.file != null) {
          try (InputStream in = Files.newInputStream(content.file)) {
            // SIZE= declares the file's size (RFC 1870 takes an estimate) and is checked against the server's limit
            result = smtp.send(from, to, in, Files.size(content.file), null);
          } catch (NoSuchFileException e) {
            throw new UsageException("--file " + content.file + " does not exist");
          }
        } else if (composed == null) {
          SimpleMail.Builder m = SimpleMail.builder().from(from).subject(content.simple.subject)
              .body(content.simple.body);
          to.forEach(m::to);
          result = smtp.send(m.build());
        } else {
          result = smtp.send(composed);
        }
        smtp.quit();
        if (global.json) put(json, result);
        else print(spec.commandLine().getOut(), result);
        return result.rejected().isEmpty() ? ExitCodes.OK : ExitCodes.REFUSED;
      }
    }

    private MimeMail mime(Simple simple) throws IOException {
      MimeMail.Builder m = MimeMail.builder().from(from).subject(simple.subject);
      to.forEach(m::to);
      if (simple.body != null) m.text(simple.body);
      try {
        if (simple.html != null) m.html(Files.readString(simple.html, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw fileProblem("--html", simple.html, e);
      }
      for (Path file : simple.attach) {
        try {
          m.attach(file);
        } catch (IOException e) {
          throw fileProblem("--attach", file, e);
        }
      }
      return m.build();
    }

    private static UsageException fileProblem(String option, Path file, IOException e) {
      return new UsageException(option + " " + file + (e instanceof NoSuchFileException ? " does not exist"
          : " cannot be read: " + e), e);
    }

    private static void put(Map<String, Object> json, SendResult result) {
      List<Map<String, Object>> recipients = new ArrayList<>();
      for (RecipientResult r : result.recipients()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("address", r.recipient());
        m.put("accepted", r.accepted());
        m.put("code", r.reply().code());
        m.put("reply", r.reply().text());
        recipients.add(m);
      }
      json.put("recipients", recipients);
      json.put("queued", result.dataReply().text());
    }

    private static void print(PrintWriter out, SendResult result) {
      for (RecipientResult r : result.recipients()) {
        out.println((r.accepted() ? "accepted " : "refused  ") + r.recipient()
            + (r.accepted() ? "" : ": server said " + r.reply().code() + " " + MailServerOptions.oneLine(
                r.reply().text())));
      }
      out.println("queued: server said " + MailServerOptions.oneLine(result.dataReply().text()));
    }
  }
}
