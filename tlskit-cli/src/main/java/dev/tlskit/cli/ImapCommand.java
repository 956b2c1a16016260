package dev.tlskit.cli;

import dev.tlskit.ProtocolException;
import dev.tlskit.TlsClient;
import dev.tlskit.imap.BodyStructure;
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
      imap.channelBinding(mail.channelBinding());
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
      description = {"Prints one message (RFC 5322) by UID, without marking it seen; or, with --part, one MIME part"
          + " of it, decoded from base64 or quoted-printable.",
          "With --out the bytes are streamed to FILE (written whole or not at all), never held in memory."})
  static final class Fetch implements Callable<Integer> {
    private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("[1-9][0-9]{0,8}(\\.[1-9][0-9]{0,8})*");

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin GlobalOptions global;
    @Mixin MailServerOptions mail;

    @Option(names = "--mailbox", defaultValue = "INBOX", paramLabel = "NAME",
        description = "Mailbox (default: ${DEFAULT-VALUE}).")
    String mailbox;

    @Option(names = "--uid", required = true, paramLabel = "N", description = "UID of the message.")
    long uid;

    @Option(names = "--part", paramLabel = "SECTION",
        description = "MIME part number as IMAP numbers them (1, 2, 1.2; see BODYSTRUCTURE).")
    String part;

    @Option(names = "--raw", description = "With --part: keep the part's transfer encoding (base64, ...).")
    boolean raw;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the bytes to FILE instead of printing them.")
    java.nio.file.Path out;

    @Override
    public Integer call() throws IOException {
      if (uid < 1) throw new UsageException("--uid must be positive: " + uid);
      if (part != null && !PART.matcher(part).matches()) {
        throw new UsageException("--part must be a part number like 2 or 1.2: " + part);
      }
      if (raw && part == null) throw new UsageException("--raw needs --part");
      return MailRun.run(spec, global, mail, StarttlsProtocol.IMAP, ImapClient.IMAP_PORT, this::fetch);
    }

    private int fetch(TlsClient client, int port, Map<String, Object> json) throws IOException {
      try (ImapClient imap = open(client, port, global, mail)) {
        imap.examine(mailbox);
        if (part != null || out != null) return stream(imap, json);
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

    /** Fetches the part (or with only --out, the whole message) to the file, or to memory for printing. */
    private int stream(ImapClient imap, Map<String, Object> json) throws IOException {
      BodyStructure leaf = null;
      if (part != null) {
        BodyStructure tree = imap.bodyStructure(uid)
            .orElseThrow(() -> new ProtocolException("no message with UID " + uid + " in " + mailbox));
        leaf = tree.find(part).orElseThrow(() -> new ProtocolException("message " + uid + " has no part " + part
            + " (parts: " + String.join(", ", tree.flatten().stream().filter(b -> !b.multipart())
                .map(BodyStructure::section).toList()) + ")"));
      }
      java.io.ByteArrayOutputStream memory = new java.io.ByteArrayOutputStream();
      CountingOutput counted;
      java.nio.file.Path tmp = null;
      boolean found;
      try {
        if (out != null) {
          java.nio.file.Path dir = out.toAbsolutePath().getParent();
          tmp = java.nio.file.Files.createTempFile(dir, ".tlskit-", ".part");
        }
        try (java.io.OutputStream sink = tmp != null ? java.nio.file.Files.newOutputStream(tmp) : memory) {
          counted = new CountingOutput(sink);
          found = leaf != null ? imap.fetchPart(uid, leaf, !raw, counted) : imap.fetchSection(uid, "", counted);
        }
        if (!found) throw new ProtocolException("no message with UID " + uid + " in " + mailbox);
        if (tmp != null) {
          java.nio.file.Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          tmp = null;
        }
      } finally {
        if (tmp != null) java.nio.file.Files.deleteIfExists(tmp);
      }
      showAlerts(imap, spec.commandLine().getErr());
      imap.logout();
      if (global.json) {
        json.put("mailbox", mailbox);
        json.put("uid", uid);
        if (leaf != null) {
          json.put("part", leaf.section());
          json.put("type", leaf.mimeType());
          leaf.filename().ifPresent(f -> json.put("filename", f));
          json.put("decoded", !raw);
        }
        json.put("bytes", counted.count);
        if (out != null) json.put("out", out.toString());
        else json.put("content", memory.toString(StandardCharsets.UTF_8));
      } else if (out == null) {
        spec.commandLine().getOut().print(memory.toString(StandardCharsets.UTF_8));
        spec.commandLine().getOut().flush();
      } else {
        spec.commandLine().getErr().println("tlskit: wrote " + counted.count + " bytes to " + out);
      }
      return ExitCodes.OK;
    }
  }

  /** Counts what passes through. */
  private static final class CountingOutput extends java.io.FilterOutputStream {
    long count;

    CountingOutput(java.io.OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
