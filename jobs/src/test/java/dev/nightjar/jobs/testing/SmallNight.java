package dev.nightjar.jobs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.demo.SyntheticShop;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.stages.ImportStage;
import dev.nightjar.jobs.stages.Pipeline;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One tiny shop (150 users, 60 items, 5 days) imported and run through the whole nightly pipeline
 * once per test JVM; each test class that needs a lakehouse after a real night gets its own copy of
 * that lakehouse directory ({@link #copyTo}), so classes may change their copy freely. A nightly run
 * costs a minute or more on two cores; copying a few hundred small files costs well under a second.
 * Delta tables are self-contained directories (the log names its files relative to the table), so a
 * copied table is an ordinary table.
 *
 * <pre>{@code
 * @BeforeAll static void night() { lake = SmallNight.copyTo(tempDir.resolve("lake")); }
 * }</pre>
 */
public final class SmallNight {
  public static final SyntheticShop.Params SHOP =
      new SyntheticShop.Params(150, 60, 5, LocalDate.of(2026, 10, 31), 7L, 6, 0.05, 0, 5);
  /** The night that was run: the shop's last day. */
  public static final LocalDate D = SHOP.lastDay();
  /** The configuration the night ran with; test classes may add settings for what they run afterwards. */
  public static final List<String> CONFIG = List.of(
      "nightjar.als.rank=8", "nightjar.als.maxIter=3", "nightjar.recommend.k=10", "nightjar.recommend.exploreRanks=5,10",
      "nightjar.profiles.segments=2");

  /** When the shop's files were imported. */
  public static final java.time.Instant IMPORTED_AT = D.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);

  private static Path template;
  private static List<RunReport> reports;
  private static SyntheticShop.Summary shop;

  private SmallNight() {}

  /** A copy of the lakehouse after the night, at {@code dir} (which must not exist yet). */
  public static synchronized Lakehouse copyTo(Path dir) {
    if (template == null) {
      build();
    }
    copyTree(template, dir);
    return new Lakehouse(SparkTestBase.spark(), dir);
  }

  /** The run reports of the night's stages, in order. */
  public static synchronized List<RunReport> reports() {
    if (template == null) {
      build();
    }
    return reports;
  }

  /** The generated shop (its CSV files stay until the JVM exits), e.g. to import it again. */
  public static synchronized SyntheticShop.Summary shop() {
    if (template == null) {
      build();
    }
    return shop;
  }

  /** {@link #CONFIG} plus {@code more} (later settings win). */
  public static NightjarConfig config(String... more) {
    List<String> all = new java.util.ArrayList<>(CONFIG);
    all.addAll(List.of(more));
    return NightjarConfig.load(null, all);
  }

  private static void build() {
    try {
      Path root = Files.createTempDirectory("nightjar-small-night");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
      shop = new SyntheticShop(SHOP).generate(root.resolve("shop"));
      StageContext ctx = new StageContext(SparkTestBase.spark(), new Lakehouse(SparkTestBase.spark(), root.resolve("lake")), config());
      ImportStage.importCsv(ctx, shop.eventsCsv(), shop.itemsCsv(), IMPORTED_AT);
      reports = List.copyOf(Pipeline.nightly(ctx, D));
      assertEquals(Pipeline.STAGES, reports.stream().map(RunReport::stage).toList());
      template = root.resolve("lake");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the directory tree {@code from} to {@code to} (which must not exist yet), file attributes kept. */
  public static void copyTree(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort at JVM exit
    }
  }
}
