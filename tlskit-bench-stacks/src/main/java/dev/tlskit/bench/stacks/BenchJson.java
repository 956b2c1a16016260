package dev.tlskit.bench.stacks;

import dev.tlskit.internal.json.JsonWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes the benchmark results as JSON. Shared by {@code tlskit bench} and the load drivers of tlskit-bench. */
public final class BenchJson {
  private BenchJson() {}

  /** Returns the CPU model from /proc/cpuinfo, else the architecture. */
  public static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (IOException | RuntimeException ignored) {
      // not Linux: fall through
    }
    return System.getProperty("os.arch");
  }

  /** Returns the 1, 5 and 15 minute load averages from /proc/loadavg, else "unknown". */
  public static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** Returns maps (in their iteration order), lists, strings, numbers, booleans and null as indented JSON. */
  public static String write(Object value) {
    return toJson(value, "");
  }

  /** Writes maps, lists, strings, numbers and booleans as JSON, two spaces per level. */
  private static String toJson(Object v, String indent) {
    if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) return "{}";
      StringBuilder sb = new StringBuilder("{\n");
      String inner = indent + "  ";
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(inner).append(JsonWriter.toJson(String.valueOf(e.getKey()))).append(": ").append(toJson(e.getValue(), inner));
        sb.append(++i < m.size() ? ",\n" : "\n");
      }
      return sb.append(indent).append('}').toString();
    }
    if (v instanceof List<?> l) {
      if (l.isEmpty()) return "[]";
      StringBuilder sb = new StringBuilder("[\n");
      String inner = indent + "  ";
      for (int i = 0; i < l.size(); i++) {
        sb.append(inner).append(toJson(l.get(i), inner)).append(i + 1 < l.size() ? ",\n" : "\n");
      }
      return sb.append(indent).append(']').toString();
    }
    if (v instanceof Number || v instanceof Boolean) return String.valueOf(v);
    return v == null ? "null" : JsonWriter.toJson(v.toString());
  }
}
