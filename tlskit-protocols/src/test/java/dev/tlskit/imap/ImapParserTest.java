package dev.tlskit.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlskit.ProtocolException;
import dev.tlskit.internal.io.LineInput;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImapParserTest {
  static ImapParser parser(String wire, ImapLimits limits) {
    return parser(wire.getBytes(StandardCharsets.UTF_8), limits);
  }

  static ImapParser parser(byte[] wire, ImapLimits limits) {
    LineInput in = new LineInput(new ByteArrayInputStream(wire), 4096);
    return new ImapParser(new ImapParser.Source() {
      @Override
      public String readLine(int maxLength) throws IOException {
        return in.readLine(maxLength);
      }

      @Override
      public InputStream input() {
        return in;
      }
    }, limits);
  }

  static ImapResponse parse(String wire) throws IOException {
    return parser(wire, ImapLimits.DEFAULTS).read();
  }

  @Test
  void parsesStatusResponsesWithCodes() throws IOException {
    ImapResponse r = parse("* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.\r\n");
    assertThat(r.tag()).isEqualTo("*");
    assertThat(r.type()).isEqualTo("OK");
    assertThat(r.codeName()).isEqualTo("CAPABILITY");
    assertThat(r.code()).isEqualTo("CAPABILITY IMAP4rev1 STARTTLS");
    assertThat(r.text()).isEqualTo("Dovecot ready.");
    ImapResponse t = parse("A1B2 no [ALERT] go away\r\n");
    assertThat(t.tagged()).isTrue();
    assertThat(t.type()).isEqualTo("NO");
    assertThat(t.codeName()).isEqualTo("ALERT");
    assertThat(parse("+ \r\n").continuation()).isTrue();
    assertThat(parse("+ SGVsbG8=\r\n").text()).isEqualTo("SGVsbG8=");
  }

  @Test
  void parsesFetchWithLiteralsQuotedStringsAndNestedLists() throws IOException {
    String wire = "* 12 FETCH (UID 7 FLAGS (\\Seen $Junk) ENVELOPE (\"Mon, 1 Jan 2024\" {5}\r\nHi \"x"
        + " ((\"A \\\"B\\\"\" NIL \"a\" \"ex.com\")) NIL NIL NIL NIL NIL NIL \"<id@x>\") BODY[HEADER.FIELDS (SUBJECT)]<0>"
        + " {0}\r\n)\r\n";
    ImapResponse r = parse(wire);
    assertThat(r.type()).isEqualTo("FETCH");
    assertThat(r.number()).isEqualTo(12);
    List<ImapValue> items = ((ImapValue.ListValue) r.values().get(0)).items();
    assertThat(items.get(0)).isEqualTo(new ImapValue.Atom("UID"));
    assertThat(items.get(1)).isEqualTo(new ImapValue.Num(7));
    assertThat(((ImapValue.ListValue) items.get(3)).items()).extracting(ImapValue::asText)
        .containsExactly("\\Seen", "$Junk");
    List<ImapValue> env = ((ImapValue.ListValue) items.get(5)).items();
    assertThat(env.get(1).asText()).isEqualTo("Hi \"x");
    List<ImapValue> addr = ((ImapValue.ListValue) ((ImapValue.ListValue) env.get(2)).items().get(0)).items();
    assertThat(addr.get(0).asText()).isEqualTo("A \"B\"");
    assertThat(addr.get(1)).isInstanceOf(ImapValue.Nil.class);
    assertThat(items.get(6).asText()).isEqualTo("BODY[HEADER.FIELDS (SUBJECT)]<0>");
    assertThat(((ImapValue.Str) items.get(7)).bytes()).isEmpty();
  }

  @Test
  void literalBytesAreCountedNotCharacters() throws IOException {
    ImapResponse r = parse("* 1 FETCH (BODY[] {4}\r\n\u00e9\u00e9)\r\n");
    assertThat(((ImapValue.ListValue) r.values().get(0)).items().get(1).asText()).isEqualTo("\u00e9\u00e9");
  }

  @Test
  void parsesListSearchStatusAndCapability() throws IOException {
    ImapParser p = parser("* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"\r\n* SEARCH 2 5 9\r\n"
        + "* STATUS INBOX (MESSAGES 3 UIDNEXT 9)\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n* 3 EXISTS\r\n",
        ImapLimits.DEFAULTS);
    assertThat(p.read().values()).hasSize(3);
    assertThat(p.read().values()).extracting(ImapValue::asText).containsExactly("2", "5", "9");
    assertThat(p.read().values().get(1)).isInstanceOf(ImapValue.ListValue.class);
    assertThat(p.read().values()).extracting(ImapValue::asText).containsExactly("IMAP4rev1", "AUTH=PLAIN");
    ImapResponse exists = p.read();
    assertThat(exists.number()).isEqualTo(3);
    assertThat(exists.type()).isEqualTo("EXISTS");
  }

  @Test
  void limitsBoundMemory() {
    ImapLimits small = new ImapLimits(256, 10, 1000, 3);
    assertThatThrownBy(() -> parser("* 1 FETCH (BODY[] {11}\r\n", small).read())
        .isInstanceOf(ProtocolException.class).hasMessageContaining("literal of 11 bytes exceeds the limit of 10");
    assertThatThrownBy(() -> parser("* X ((((a))))\r\n", small).read())
        .isInstanceOf(ProtocolException.class).hasMessageContaining("nested deeper than 3");
    assertThatThrownBy(() -> parser("* X " + "a".repeat(300) + "\r\n", small).read())
        .isInstanceOf(ProtocolException.class).hasMessageContaining("longer than 256");
    StringBuilder chain = new StringBuilder("* X");
    for (int i = 0; i < 100; i++) chain.append(" {9}\r\n123456789");
    chain.append("\r\n");
    assertThatThrownBy(() -> parser(chain.toString(), small).read())
        .isInstanceOf(ProtocolException.class).hasMessageContaining("larger than 1000 bytes");
    assertThatThrownBy(() -> parser("* X {99999999999}\r\n", ImapLimits.DEFAULTS).read())
        .isInstanceOf(ProtocolException.class).hasMessageContaining("bad literal size");
  }

  @Test
  void malformedResponsesAreProtocolErrors() {
    for (String bad : List.of("*\r\n", "A1\r\n", "A1 MAYBE x\r\n", "* X (a b\r\n", "* X \"open\r\n", "* X )\r\n",
        "* X {3} trailing\r\n", "* X {abc}\r\n", "* 3 OK x\r\n", "A(1 OK x\r\n", "* OK [ALERT x\r\n",
        "* X \"bad \\q escape\"\r\n", "* 99999999999999999999 EXISTS\r\n")) {
      assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("IMAP response");
    }
  }

  @Test
  void truncatedLiteralIsEndOfStream() {
    assertThatThrownBy(() -> parse("* 1 FETCH (BODY[] {10}\r\nabc")).isInstanceOf(EOFException.class);
  }

  @Test
  void mailboxNamesRoundTripModifiedUtf7() {
    assertThat(MailboxNames.encode("Entw\u00fcrfe")).isEqualTo("Entw&APw-rfe");
    assertThat(MailboxNames.encode("A&B")).isEqualTo("A&-B");
    assertThat(MailboxNames.encode("\u65e5\u672c\u8a9e")).isEqualTo("&ZeVnLIqe-");
    assertThat(MailboxNames.decode("&ZeVnLIqe-/Entw&APw-rfe &- x")).isEqualTo("\u65e5\u672c\u8a9e/Entw\u00fcrfe & x");
  }
}
