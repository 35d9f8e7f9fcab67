package dev.nightjar.models.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Item texts for benchmarks and tests: the distinct product descriptions of the Online Retail data set, or
 * seeded generated product titles when the data set is not there.
 *
 * <pre>{@code
 * List<String> texts = SampleItemTexts.onlineRetailDescriptions(sharedDir, 3000);
 * List<String> titles = SampleItemTexts.generatedTitles(3000, 42L);   // "VINTAGE RED CERAMIC MUG", …
 * }</pre>
 */
public final class SampleItemTexts {
  /** Where the by-day files lie under the shared folder. */
  public static final String ONLINE_RETAIL_BY_DAY = "datasets/online-retail/by-day";
  private static final int DESCRIPTION_FIELD = 2;

  private static final String[] ADJECTIVES = {
    "VINTAGE", "SMALL", "LARGE", "RETRO", "HANGING", "FOLDING", "MINI", "JUMBO", "CLASSIC", "RUSTIC", "MODERN", "SET OF 3"};
  private static final String[] COLOURS = {
    "RED", "BLUE", "GREEN", "PINK", "WHITE", "BLACK", "IVORY", "YELLOW", "PURPLE", "ORANGE", "GREY", "CREAM"};
  private static final String[] MATERIALS = {
    "CERAMIC", "GLASS", "METAL", "WOODEN", "PAPER", "COTTON", "ENAMEL", "WICKER"};
  private static final String[] NOUNS = {
    "MUG", "T-LIGHT HOLDER", "LUNCH BAG", "CAKE STAND", "DOORMAT", "ALARM CLOCK", "PHOTO FRAME", "CUSHION COVER",
    "BUNTING", "TEA TOWEL", "STORAGE TIN", "WATER BOTTLE", "LANTERN", "COAT HANGER", "PICNIC BASKET", "NOTEBOOK",
    "UMBRELLA", "SHOPPING BAG", "JEWELLERY BOX", "WALL CLOCK"};

  private SampleItemTexts() {}

  /**
   * The first {@code limit} distinct, non-blank descriptions (trimmed) of the Online Retail by-day files under
   * {@code sharedDir}, in file and row order.
   */
  public static List<String> onlineRetailDescriptions(Path sharedDir, int limit) {
    Set<String> distinct = new LinkedHashSet<>();
    try (Stream<Path> files = Files.list(sharedDir.resolve(ONLINE_RETAIL_BY_DAY))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".csv.gz")).sorted().toList()) {
        readDescriptions(file, distinct, limit);
        if (distinct.size() >= limit) {
          break;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Online Retail files under " + sharedDir, e);
    }
    return List.copyOf(distinct);
  }

  /** {@code count} distinct titles such as "VINTAGE RED CERAMIC MUG", the same for the same seed. */
  public static List<String> generatedTitles(int count, long seed) {
    int combinations = ADJECTIVES.length * COLOURS.length * MATERIALS.length * NOUNS.length;
    if (count > combinations) {
      throw new IllegalArgumentException("at most " + combinations + " distinct titles, asked for " + count);
    }
    Random random = new Random(seed);
    Set<String> titles = new LinkedHashSet<>();
    while (titles.size() < count) {
      titles.add(pick(random, ADJECTIVES) + " " + pick(random, COLOURS) + " " + pick(random, MATERIALS) + " "
          + pick(random, NOUNS));
    }
    return List.copyOf(titles);
  }

  private static String pick(Random random, String[] words) {
    return words[random.nextInt(words.length)];
  }

  private static void readDescriptions(Path file, Set<String> into, int limit) throws IOException {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      reader.readLine(); // header
      for (String line = reader.readLine(); line != null && into.size() < limit; line = reader.readLine()) {
        List<String> fields = csvFields(line);
        if (fields.size() > DESCRIPTION_FIELD && !fields.get(DESCRIPTION_FIELD).isBlank()) {
          into.add(fields.get(DESCRIPTION_FIELD).trim());
        }
      }
    }
  }

  /** Splits one CSV line: fields may be quoted, with "" for a quote inside. */
  static List<String> csvFields(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields;
  }
}
