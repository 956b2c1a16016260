package dev.tlskit.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Adds an "Examples:" section, just before the footer, to the help of every command that does not already show
 * examples in its own footer. Kept in one place so that the commands' classes need no edit.
 */
final class HelpExamples {
  static final String SECTION = "examples";

  private static final Map<String, List<String>> EXAMPLES = Map.ofEntries(
      Map.entry("tlskit", List.of(
          "tlskit demo                                    offline tour: implicit TLS, STARTTLS, mutual TLS",
          "tlskit connect mail.example.com:587 --starttls smtp",
          "tlskit probe mail.example.com:25 --starttls smtp",
          "tlskit serve --port 8465 --self-signed",
          "source <(tlskit completion)                    tab completion in bash")),
      Map.entry("tlskit demo", List.of("tlskit demo")),
      Map.entry("tlskit connect", List.of(
          "tlskit connect example.com:443 --no-relay",
          "tlskit connect mail.example.com:587 --starttls smtp",
          "tlskit connect 10.0.0.5:993 --peer-name imap.example.com --trust corp-ca.pem",
          "tlskit connect localhost:8587 --starttls smtp --cert alice/cert.pem --key alice/key.pem --trust ca/ca.pem",
          "printf 'HEAD / HTTP/1.0\\r\\n\\r\\n' | tlskit connect example.com:443",
          "tlskit connect example.com:443 --json --no-relay | jq .security.validation")),
      Map.entry("tlskit serve", List.of(
          "tlskit serve --port 8465 --self-signed",
          "tlskit serve --port 8443 --cert srv/cert.pem --key srv/key.pem --client-auth need --trust ca/ca.pem",
          "tlskit serve --port 8587 --protocol smtp --starttls --cert srv/cert.pem --key srv/key.pem \\",
          "    --client-auth need --trust ca/ca.pem",
          "tlskit serve --port 9443 --cert srv/cert.pem --key srv/key.pem --proxy-protocol --provider native \\",
          "    --session-ticket-keys ticket.keys")),
      Map.entry("tlskit cert", List.of(
          "tlskit cert ca --out ca",
          "tlskit cert issue --ca ca --name localhost --ip 127.0.0.1 --out srv",
          "tlskit cert issue --ca ca --client --name alice --out alice",
          "tlskit cert show srv/cert.pem")),
      Map.entry("tlskit cert ca", List.of(
          "tlskit cert ca --out ca",
          "CA_PASSWORD=... tlskit cert ca --out ca --password-env CA_PASSWORD --key-type rsa3072")),
      Map.entry("tlskit cert issue", List.of(
          "tlskit cert issue --ca ca --name localhost --ip 127.0.0.1 --out srv",
          "tlskit cert issue --ca ca --name '*.example.test' --name example.test --out wild",
          "P12_PASSWORD=... tlskit cert issue --ca ca --client --name alice --out alice --password-env P12_PASSWORD")),
      Map.entry("tlskit cert ticket-keys", List.of(
          "tlskit cert ticket-keys --out ticket.keys",
          "tlskit cert ticket-keys --out ticket.keys --rotate --keep 3")),
      Map.entry("tlskit cert show", List.of(
          "tlskit cert show srv/cert.pem",
          "P12_PASSWORD=... tlskit cert show alice/cert.p12 --password-env P12_PASSWORD --json")),
      Map.entry("tlskit smtp", List.of(
          "tlskit smtp send --server mail.example.com:587 --user alice --password-env MAIL_PASSWORD \\",
          "    --from alice@example.com --to bob@example.com --subject Hi --body Hello")),
      Map.entry("tlskit smtp send", List.of(
          "tlskit smtp send --server mail.example.com:587 --user alice --password-env MAIL_PASSWORD \\",
          "    --from alice@example.com --to bob@example.com --subject Hi --body Hello",
          "tlskit smtp send --server mail.example.com --from a@example.com --to b@example.com --file message.eml",
          "tlskit smtp send --server mail.example.com --from a@example.com --to b@example.com --subject Report \\",
          "    --body 'See attached' --html body.html --attach report.pdf --attach data.csv",
          "tlskit smtp send --server localhost:8587 --tls starttls --cert alice/cert.pem --key alice/key.pem \\",
          "    --trust ca/ca.pem --from alice@example.test --to bob@example.test --subject Hi --body Hello")),
      Map.entry("tlskit imap", List.of(
          "tlskit imap list --server mail.example.com --user alice --password-env MAIL_PASSWORD",
          "tlskit imap fetch --server mail.example.com --user alice --password-env MAIL_PASSWORD --uid 42")),
      Map.entry("tlskit imap list", List.of(
          "tlskit imap list --server mail.example.com --user alice --password-env MAIL_PASSWORD",
          "tlskit imap list --server mail.example.com:143 --tls starttls --user alice --password-env MAIL_PASSWORD \\",
          "    --mailbox Archive --json",
          "tlskit imap list --server mail.example.com --user alice --password-env MAIL_PASSWORD --auth scram-sha-256")),
      Map.entry("tlskit imap fetch", List.of(
          "tlskit imap fetch --server mail.example.com --user alice --password-env MAIL_PASSWORD --uid 42 > 42.eml")),
      Map.entry("tlskit pop3", List.of(
          "tlskit pop3 list --server mail.example.com --user alice --password-env MAIL_PASSWORD",
          "tlskit pop3 retr 3 --server mail.example.com --user alice --password-env MAIL_PASSWORD")),
      Map.entry("tlskit pop3 list", List.of(
          "tlskit pop3 list --server mail.example.com --user alice --password-env MAIL_PASSWORD",
          "tlskit pop3 list --server mail.example.com:110 --tls starttls --user alice --password-env MAIL_PASSWORD",
          "tlskit pop3 list --server outlook.office365.com --user alice@example.com --password-env MAIL_TOKEN \\",
          "    --auth xoauth2")),
      Map.entry("tlskit pop3 retr", List.of(
          "tlskit pop3 retr 3 --server mail.example.com --user alice --password-env MAIL_PASSWORD > 3.eml")),
      Map.entry("tlskit ftp", List.of(
          "tlskit ftp ls --server ftp.example.com --user alice --password-env FTP_PASSWORD reports",
          "tlskit ftp get --server ftp.example.com --user alice --password-env FTP_PASSWORD reports/q3.pdf")),
      Map.entry("tlskit ftp ls", List.of(
          "tlskit ftp ls --server ftp.example.com --user alice --password-env FTP_PASSWORD reports",
          "tlskit ftp ls --server ftp.example.com:990 --tls implicit --user alice --password-env FTP_PASSWORD --json")),
      Map.entry("tlskit ftp get", List.of(
          "tlskit ftp get --server ftp.example.com --user alice --password-env FTP_PASSWORD reports/q3.pdf",
          "tlskit ftp get --server ftp.example.com --user alice --password-env FTP_PASSWORD --resume big.iso /tmp/big.iso")),
      Map.entry("tlskit ftp put", List.of(
          "tlskit ftp put --server ftp.example.com --user alice --password-env FTP_PASSWORD q3.pdf reports/q3.pdf",
          "tlskit ftp put --server ftp.example.com --user alice --password-env FTP_PASSWORD --atomic q3.pdf reports/q3.pdf")),
      Map.entry("tlskit ftp mkdir", List.of(
          "tlskit ftp mkdir --server ftp.example.com --user alice --password-env FTP_PASSWORD reports/2026")),
      Map.entry("tlskit ftp rm", List.of(
          "tlskit ftp rm --server ftp.example.com --user alice --password-env FTP_PASSWORD reports/old.pdf")),
      Map.entry("tlskit bench", List.of(
          "tlskit bench --quick",
          "tlskit bench --group secp256r1 --seconds 10 --json=bench.json",
          "tlskit bench --control --rounds 8 --seconds 8")),
      Map.entry("tlskit completion", List.of(
          "source <(tlskit completion)",
          "tlskit completion > ~/.local/share/bash-completion/completions/tlskit")));

  private HelpExamples() {}

  /** Installs the section on {@code root} and all its subcommands. */
  static void install(CommandLine root) {
    List<String> keys = new ArrayList<>(root.getHelpSectionKeys());
    keys.add(keys.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER_HEADING), SECTION);
    root.setHelpSectionKeys(keys); // picocli applies this to every subcommand too
    List<CommandLine> all = new ArrayList<>();
    collect(root, all);
    for (CommandLine cl : all) {
      CommandLine.Model.UsageMessageSpec usage = cl.getCommandSpec().usageMessage();
      String footer = String.join("\n", usage.footerHeading(), String.join("\n", usage.footer()));
      List<String> lines = EXAMPLES.get(cl.getCommandSpec().qualifiedName());
      String section = "";
      if (lines != null && !footer.contains("Examples")) {
        StringBuilder text = new StringBuilder("%nExamples:%n");
        for (String line : lines) text.append("  ").append(line.replace("%", "%%")).append("%n");
        section = String.format(text.toString());
      }
      String shown = section;
      cl.getHelpSectionMap().put(SECTION, help -> shown);
    }
  }

  /** Returns the qualified names of the commands that have examples (for the test that every command has some). */
  static java.util.Set<String> commands() {
    return EXAMPLES.keySet();
  }

  /** Returns the example lines of {@code command} as its help shows them (for the test that each one parses). */
  static List<String> examples(String command) {
    return EXAMPLES.getOrDefault(command, List.of());
  }

  private static void collect(CommandLine cl, List<CommandLine> into) {
    into.add(cl);
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (!into.contains(sub)) collect(sub, into);
    }
  }
}
