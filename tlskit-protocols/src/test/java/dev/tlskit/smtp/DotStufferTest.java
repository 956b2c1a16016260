package dev.tlskit.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DotStufferTest {
  static String stuff(String message) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DotStuffer d = new DotStuffer(out);
    d.copy(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
    d.finish();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void normalisesLineEndsAndDoublesLeadingDots() throws IOException {
    assertThat(stuff("")).isEqualTo(".\r\n");
    assertThat(stuff("a")).isEqualTo("a\r\n.\r\n");
    assertThat(stuff("a\nb\r\nc\rd\r")).isEqualTo("a\r\nb\r\nc\r\nd\r\n.\r\n");
    assertThat(stuff(".\n..x\r\n.\r.y\nz.")).isEqualTo("..\r\n...x\r\n..\r\n..y\r\nz.\r\n.\r\n");
    assertThat(stuff("a\r\n\r\n.")).isEqualTo("a\r\n\r\n..\r\n.\r\n");
  }
}
