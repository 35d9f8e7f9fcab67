package dev.nightjar.jobs.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One {@code nightjar.*} setting, declared once (in {@link ConfigKeys}): its name, its default, what it allows
 * and a one-line meaning. The reader parses and validates through it ({@link #parse}: a bad value fails naming the
 * key and what is allowed), {@code bin/nightjar config} lists it, and tuning's search space keys are made from
 * the keys they tune ({@link #searchSpace}), with the same range.
 *
 * <pre>{@code
 * ConfigKey<Integer> rank = ConfigKey.integer("nightjar.als.rank", 32, 1, 1024, "ALS rank");
 * int r = rank.parse("64");          // 64; "0" throws "nightjar.als.rank = '0' is not allowed: expected an integer in 1..1024"
 * rank.describe();                   // "an integer in 1..1024 (default 32)"
 * ConfigKey<List<Integer>> space = ConfigKey.searchSpace("nightjar.tune.space.als.rank", rank, List.of(16, 32, 64));
 * space.parse("16,64");              // [16, 64]
 * }</pre>
 *
 * @param <T> the parsed value's type
 */
public final class ConfigKey<T> {
  /** Turns the text of a setting into its value; throws {@link ConfigException} naming the key when it is not allowed. */
  @FunctionalInterface
  public interface Parser<T> {
    T parse(String key, String text);
  }

  private final String name;
  private final String defaultText;
  private final String allowed;
  private final String doc;
  private final Parser<T> parser;
  private final T defaultValue;

  private ConfigKey(String name, String defaultText, String allowed, String doc, Parser<T> parser) {
    if (!name.startsWith(ConfigReader.NIGHTJAR_PREFIX)) {
      throw new IllegalArgumentException("config key '" + name + "' does not start with " + ConfigReader.NIGHTJAR_PREFIX);
    }
    this.name = name;
    this.defaultText = Objects.requireNonNull(defaultText);
    this.allowed = allowed;
    this.doc = doc;
    this.parser = parser;
    this.defaultValue = parser.parse(name, defaultText); // a default that its own key refuses fails at class load
  }

  /** A key whose value {@code parser} makes from the text; {@code allowed} says in words what it accepts. */
  public static <T> ConfigKey<T> of(String name, String defaultText, String allowed, String doc, Parser<T> parser) {
    return new ConfigKey<>(name, defaultText, allowed, doc, parser);
  }

  /** An integer within {@code min..max}. */
  public static ConfigKey<Integer> integer(String name, int defaultValue, int min, int max, String doc) {
    String allowed = "an integer in " + min + ".." + max;
    return of(name, Integer.toString(defaultValue), allowed, doc, (key, text) -> (int) parseLong(key, text, min, max, allowed));
  }

  /** A long within {@code min..max}. */
  public static ConfigKey<Long> longInteger(String name, long defaultValue, long min, long max, String doc) {
    String allowed = "an integer in " + min + ".." + max;
    return of(name, Long.toString(defaultValue), allowed, doc, (key, text) -> parseLong(key, text, min, max, allowed));
  }

  /** A number within {@code [min, max]}. */
  public static ConfigKey<Double> number(String name, double defaultValue, double min, double max, String doc) {
    String allowed = "a number in [" + min + ", " + max + "]";
    return of(name, Double.toString(defaultValue), allowed, doc, (key, text) -> parseDouble(key, text, min, max, allowed));
  }

  /** One of {@code allowed} (case-insensitive; the value is lower-cased). */
  public static ConfigKey<String> choice(String name, String defaultValue, List<String> allowed, String doc) {
    List<String> values = List.copyOf(allowed);
    return of(name, defaultValue, "one of " + values, doc, (key, text) -> {
      String value = text.toLowerCase(Locale.ROOT);
      if (!values.contains(value)) {
        throw new ConfigException(key + " = '" + value + "' is not allowed: expected one of " + values);
      }
      return value;
    });
  }

  /** {@code true} or {@code false}. */
  public static ConfigKey<Boolean> bool(String name, boolean defaultValue, String doc) {
    ConfigKey<String> text = choice(name, Boolean.toString(defaultValue), List.of("true", "false"), doc);
    return of(name, Boolean.toString(defaultValue), text.allowed, doc, (key, value) -> Boolean.parseBoolean(text.parser.parse(key, value)));
  }

  /** Free text, as given. */
  public static ConfigKey<String> text(String name, String defaultValue, String doc) {
    return of(name, defaultValue, "text", doc, (key, text) -> text);
  }

  /** A comma-separated list, trimmed, empty entries dropped (empty text = empty list). */
  public static ConfigKey<List<String>> list(String name, String defaultText, String allowed, String doc) {
    return of(name, defaultText, allowed, doc, (key, text) -> split(text));
  }

  /**
   * The search space of a tuned key: a non-empty comma-separated list of values {@code tuned} allows (same range,
   * same parsing), the values a tuning trial draws from.
   */
  public static <T> ConfigKey<List<T>> searchSpace(String name, ConfigKey<T> tuned, List<T> defaultValues) {
    String example = defaultValues.stream().map(String::valueOf).collect(Collectors.joining(","));
    String allowed = "comma-separated values of " + tuned.name + " (" + tuned.allowed + "), e.g. " + example;
    return of(name, example, allowed, "values a tuning trial draws for " + tuned.name, (key, text) -> {
      List<T> out = new ArrayList<>();
      for (String value : split(text)) {
        try {
          out.add(tuned.parser.parse(key, value));
        } catch (ConfigException e) {
          throw new ConfigException(key + ": '" + value + "' is not allowed: expected " + allowed);
        }
      }
      if (out.isEmpty()) {
        throw new ConfigException(key + " is empty: expected " + allowed);
      }
      return List.copyOf(out);
    });
  }

  /** The full key, e.g. {@code nightjar.als.rank}. */
  public String name() {
    return name;
  }

  /** The value when the key is not set. */
  public T defaultValue() {
    return defaultValue;
  }

  /** The default as it would be written in a properties file. */
  public String defaultText() {
    return defaultText;
  }

  /** What the key accepts, in words ({@code an integer in 1..1024}). */
  public String allowed() {
    return allowed;
  }

  /** One line saying what the setting does. */
  public String doc() {
    return doc;
  }

  /** The value of {@code text}; fails naming the key and what is allowed. */
  public T parse(String text) {
    return parser.parse(name, text);
  }

  /** {@code allowed (default d)}, as {@code config} and the unknown-key error list it. */
  public String describe() {
    return allowed + " (default " + (defaultText.isEmpty() ? "none" : defaultText) + ")";
  }

  @Override
  public String toString() {
    return name;
  }

  static List<String> split(String text) {
    return Arrays.stream(text.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
  }

  private static long parseLong(String key, String text, long min, long max, String allowed) {
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

  private static double parseDouble(String key, String text, double min, double max, String allowed) {
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
}
