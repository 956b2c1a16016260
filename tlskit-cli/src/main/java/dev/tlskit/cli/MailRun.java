package dev.tlskit.cli;

import dev.tlskit.SecurityInfo;
import dev.tlskit.TlsClient;
import dev.tlskit.TlsMode;
import dev.tlskit.internal.starttls.AutoTls;
import dev.tlskit.internal.starttls.StarttlsProtocol;
import dev.tlskit.internal.json.JsonWriter;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs one mail command (smtp send, imap list/fetch, pop3 list/retr) so that with {@code --json} its one document
 * is printed whatever happens: the command, server, port, the TLS mode used and what settled it ({@code tlsMode},
 * {@code tlsModeDecidedBy}: "name", "port" or "looking"; "AUTO" and null when looking failed), the exit code, what
 * TLS negotiated
 * (also when a later step failed), then the command's result or the error. Without {@code --json} a failure goes to
 * {@link Main}'s handler as before.
 */
final class MailRun {
  private MailRun() {}

  /**
   * The command itself: connects with {@code client} to {@code port}, puts its JSON fields into {@code result},
   * returns its exit code.
   */
  @FunctionalInterface
  interface Body {
    int run(TlsClient client, int port, Map<String, Object> result) throws IOException;
  }

  /**
   * Runs {@code body} against the {@code protocol} server of {@code mail}, whose default ports are {@code
   * starttlsPort} and the protocol's implicit port, and returns the exit code. The body reports the connection's
   * {@link TlsMode.Decision} through {@link MailServerOptions#decided}.
   */
  static int run(CommandSpec spec, GlobalOptions global, MailServerOptions mail, StarttlsProtocol protocol,
      int starttlsPort, Body body) throws IOException {
    AtomicReference<SecurityInfo> negotiated = new AtomicReference<>();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("command", spec.qualifiedName(" ").replaceFirst("^tlskit ", ""));
    Map<String, Object> result = new LinkedHashMap<>();
    Map<String, Object> error = new LinkedHashMap<>();
    int code;
    try {
      doc.put("server", mail.host());
      mail.mechanism(); // a bad --auth is a usage error before anything is dialled
      mail.channelBinding(); // and so is a bad --channel-binding
      int port = mail.port(starttlsPort, protocol.implicitPort());
      doc.put("port", port);
      mail.decided = AutoTls.byPort(protocol, mail.mode(), port); // null: AUTO looks at the server
      doc.put("tlsMode", null);
      doc.put("tlsModeDecidedBy", null);
      TlsClient.Builder builder = ClientOptions.client(global, ClientOptions.policy(global).build())
          .onHandshake(info -> {
            negotiated.set(info);
            ClientOptions.warnWeakenings(global, info);
          });
      // --tls opportunistic, named on the command line, is the explicit door the library keeps behind dangerous()
      if (mail.mode() == TlsMode.OPPORTUNISTIC) builder.dangerous().allowOpportunisticTls();
      TlsClient client = builder.build();
      code = body.run(client, port, result);
    } catch (IOException | RuntimeException e) {
      if (!global.json) throw e;
      CommandJson.putError(error, e);
      code = ExitCodes.of(e);
    }
    if (global.json) {
      if (doc.containsKey("tlsMode")) {
        doc.put("tlsMode", mail.decided == null ? TlsMode.AUTO.name() : mail.decided.mode().name());
        doc.put("tlsModeDecidedBy", mail.decided == null ? null
            : mail.decided.by().name().toLowerCase(java.util.Locale.ROOT));
      }
      doc.put("exitCode", code);
      doc.put("error", error.remove("error"));
      error.remove("exitCode");
      doc.putAll(error);
      doc.put("security", CommandJson.security(negotiated.get()));
      doc.putAll(result);
      spec.commandLine().getOut().println(JsonWriter.toJson(doc));
      spec.commandLine().getOut().flush();
    }
    return code;
  }
}
