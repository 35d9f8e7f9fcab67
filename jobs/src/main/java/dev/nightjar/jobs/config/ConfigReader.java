package dev.nightjar.jobs.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads typed values from a properties file plus {@code --set key=value} overrides, and remembers
 * which keys were read so that any {@code nightjar.*} key nobody reads is reported as unknown.
 * Keys under {@code spark.} are passed to Spark as they are.
 *
 * <pre>{@code
 * ConfigReader r = ConfigReader.load(Path.of("conf/local.properties"), List.of("nightjar.als.rank=64"));
 * int rank = r.getInt("nightjar.als.rank", 32, 1, 1024);
 * r.requireAllKnown();
 * }</pre>
 */
public final class ConfigReader {
  public static final String NIGHTJAR_PREFIX = "nightjar.";
  public static final String SPARK_PREFIX = "spark.";

  private final Map<String, String> values;
  private final String origin;
  private final Map<String, String> known = new TreeMap<>();

  ConfigReader(Map<String, String> values, String origin) {
    this.values = values;
    this.origin = origin;
  }

  /** Loads the file (when given), then applies the overrides ({@code key=value}) in order. */
  public static ConfigReader load(Path file, List<String> overrides) {
    Map<String, String> values = new LinkedHashMap<>();
    String origin = "defaults";
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("config file " + file + " does not exist (given with --conf)");
      }
      Properties props = new Properties();
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        props.load(in);
      } catch (IOException e) {
        throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
      }
      props.stringPropertyNames().stream().sorted().forEach(k -> values.put(k, props.getProperty(k).trim()));
      origin = file.toString();
    }
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--set takes key=value, got '" + override + "'");
      }
      values.put(override.substring(0, eq).trim(), override.substring(eq + 1).trim());
    }
    for (String key : values.keySet()) {
      if (!key.startsWith(NIGHTJAR_PREFIX) && !key.startsWith(SPARK_PREFIX)) {
        throw new ConfigException(
            "unknown config key '" + key + "' in " + origin + ": keys start with 'nightjar.' (Nightjar settings) or 'spark.' (passed to Spark)");
      }
    }
    return new ConfigReader(values, origin);
  }

  private String raw(String key, String defaultValue, String allowed) {
    known.put(key, allowed + " (default " + defaultValue + ")");
    return values.getOrDefault(key, defaultValue);
  }

  public int getInt(String key, int defaultValue, int min, int max) {
    return (int) getLong(key, defaultValue, min, max);
  }

  public long getLong(String key, long defaultValue, long min, long max) {
    String allowed = "an integer in " + min + ".." + max;
    String text = raw(key, Long.toString(defaultValue), allowed);
    try {
      long v = Long.parseLong(text);
      if (v < min || v > max) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " = '" + text + "' is not allowed: expected " + allowed);
    }
  }

  public double getDouble(String key, double defaultValue, double min, double max) {
    String allowed = "a number in [" + min + ", " + max + "]";
    String text = raw(key, Double.toString(defaultValue), allowed);
    try {
      double v = Double.parseDouble(text);
      if (!(v >= min && v <= max)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " = '" + text + "' is not allowed: expected " + allowed);
    }
  }

  public String getChoice(String key, String defaultValue, List<String> allowed) {
    String text = raw(key, defaultValue, "one of " + allowed).toLowerCase(Locale.ROOT);
    if (!allowed.contains(text)) {
      throw new ConfigException(key + " = '" + text + "' is not allowed: expected one of " + allowed);
    }
    return text;
  }

  public boolean getBoolean(String key, boolean defaultValue) {
    return Boolean.parseBoolean(getChoice(key, Boolean.toString(defaultValue), List.of("true", "false")));
  }

  public String getString(String key, String defaultValue) {
    return raw(key, defaultValue, "text");
  }

  /** A comma-separated list (empty text = empty list), trimmed. */
  public List<String> getList(String key, String defaultValue, String allowed) {
    String text = raw(key, defaultValue, allowed);
    return java.util.Arrays.stream(text.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
  }

  /** Every {@code spark.*} setting, for the session builder. */
  public Map<String, String> sparkSettings() {
    Map<String, String> spark = new TreeMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(SPARK_PREFIX)) {
        spark.put(k, v);
      }
    });
    return spark;
  }

  /** Fails on any {@code nightjar.*} key that no setting read, listing the known keys. */
  public void requireAllKnown() {
    TreeSet<String> unknown = new TreeSet<>();
    for (String key : values.keySet()) {
      if (key.startsWith(NIGHTJAR_PREFIX) && !known.containsKey(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      StringBuilder message =
          new StringBuilder("unknown config key(s) " + unknown + " in " + origin + ". Known keys:");
      known.forEach((k, allowed) -> message.append("\n  ").append(k).append(": ").append(allowed));
      throw new ConfigException(message.toString());
    }
  }

  /** Known keys with what they allow and their defaults, for {@code config --list}. */
  public Map<String, String> describeKnown() {
    return new TreeMap<>(known);
  }
}
