package dev.tlskit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/guide.md and the example sources the same code: every {@code <!-- example: NAME -->} line in the guide
 * is followed by a java block equal to the region {@code // guide:NAME} .. {@code // guide:end} of a source here
 * (indentation removed), and every region is shown in the guide exactly once.
 */
class GuideMatchesExamplesTest {
  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Path GUIDE = MODULE.resolveSibling("docs").resolve("guide.md");
  private static final Path SOURCES = MODULE.resolve("src/main/java/dev/tlskit/examples");
  private static final Pattern BLOCK = Pattern.compile("<!-- example: ([a-z0-9-]+) -->\\n```java\\n(.*?)```",
      Pattern.DOTALL);

  static Map<String, String> regions() throws IOException {
    Map<String, String> regions = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        String name = null;
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(f)) {
          String t = line.strip();
          if (t.startsWith("// guide:")) {
            String tag = t.substring("// guide:".length());
            if (tag.equals("end")) {
              assertThat(regions.put(name, dedent(lines))).as("region %s defined twice", name).isNull();
              name = null;
            } else {
              assertThat(name).as("region %s opened inside %s in %s", tag, name, f).isNull();
              name = tag;
              lines = new ArrayList<>();
            }
          } else if (name != null) {
            lines.add(line);
          }
        }
        assertThat(name).as("region %s in %s is not closed", name, f).isNull();
      }
    }
    return regions;
  }

  static String dedent(List<String> lines) {
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    StringBuilder sb = new StringBuilder();
    for (String l : lines) sb.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
    return sb.toString();
  }

  @Test
  void everyJavaBlockOfTheGuideIsAnExampleVerbatimAndEveryExampleIsShown() throws IOException {
    Map<String, String> regions = regions();
    assertThat(regions).isNotEmpty();
    String guide = Files.readString(GUIDE);
    Matcher m = BLOCK.matcher(guide);
    Map<String, Integer> shown = new LinkedHashMap<>();
    while (m.find()) {
      String name = m.group(1);
      assertThat(regions).as("docs/guide.md shows example '%s', which no source defines", name).containsKey(name);
      assertThat(m.group(2)).as("docs/guide.md block '%s' differs from its source", name)
          .isEqualTo(regions.get(name));
      shown.merge(name, 1, Integer::sum);
    }
    assertThat(shown.keySet()).as("examples shown in docs/guide.md").containsExactlyInAnyOrderElementsOf(
        regions.keySet());
    assertThat(shown.values()).as("each example is shown once").allMatch(n -> n == 1);
    // every java block of the guide is an example (a block without the marker would escape the check)
    long javaBlocks = guide.lines().filter(l -> l.strip().equals("```java")).count();
    assertThat(javaBlocks).as("```java blocks in docs/guide.md").isEqualTo(shown.size());
  }
}
