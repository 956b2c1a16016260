package dev.tlskit.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Mutated real responses: the parser may only answer with an IOException (typed error or end of stream). */
class ImapParserRobustnessTest {
  private static final String SEED = "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] Dovecot ready.\r\n"
      + "* 1 FETCH (UID 7 FLAGS (\\Seen) RFC822.SIZE 120 ENVELOPE (\"Mon, 1 Jan 2024\" \"=?UTF-8?Q?x?=\" "
      + "((\"Bob\" NIL \"bob\" \"example.com\")) NIL NIL NIL NIL NIL NIL \"<1@x>\") BODY[] {5}\r\nHello)\r\n"
      + "* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe\"\r\n* STATUS INBOX (MESSAGES 2 UIDNEXT 9)\r\n"
      + "* SEARCH 1 2\r\n+ go\r\nA1B2C3D4 NO [ALERT] text\r\n";

  @Test
  void mutatedInputOnlyEverRaisesIoExceptions() {
    Random random = new Random(20261123);
    byte[] seed = SEED.getBytes(StandardCharsets.UTF_8);
    ImapLimits limits = new ImapLimits(512, 4096, 16 * 1024, 8);
    byte[] alphabet = "(){}[]\"\\ \r\n*+0123456789NILabc".getBytes(StandardCharsets.US_ASCII);
    int responses = 0;
    for (int round = 0; round < 5_000; round++) {
      byte[] input = seed.clone();
      for (int m = random.nextInt(4) + 1; m > 0; m--) {
        input[random.nextInt(input.length)] = random.nextBoolean()
            ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
      }
      ImapParser parser = ImapParserTest.parser(input, limits);
      try {
        while (true) {
          parser.read();
          responses++;
        }
      } catch (IOException expected) {
        // typed protocol error or end of input: both fine
      }
    }
    assertThat(responses).isGreaterThan(5_000);
  }
}
