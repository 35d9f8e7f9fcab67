package dev.nightjar.jobs.report;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The per-run HTML report on hand-written tables: one self-contained page, four inlined charts, and notes where tables are missing. */
class RunHtmlReportTest extends SparkTestBase {
  static final LocalDate D = LocalDate.of(2026, 10, 31);
  static final Pattern IMG = Pattern.compile("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");
  static final String ODD_REASON = "<b>odd & \"quoted\"</b>";

  @Test
  void aFullLakehouseGivesOneSelfContainedPageWithFourCharts() throws Exception {
    Lakehouse lake = new Lakehouse(spark(), tempDir.resolve("full"));
    for (int night = 0; night < 3; night++) {
      ReportFixtures.writeMetrics(lake, D.minusDays(2 - night), night);
    }
    ReportFixtures.writeRecommendations(lake, D, 30, 25);
    ReportFixtures.writeQuarantine(lake, D, List.of("duplicate", "bad_timestamp", ODD_REASON), List.of(5, 3, 1));
    ReportFixtures.writeQuarantine(lake, D.minusDays(1), List.of("too_old"), List.of(7));
    ReportFixtures.writeRunReport(lake, D, 9);
    ReportFixtures.writePublication(lake, D, "published", "gate passed: ndcg@10 within 5% of the previous night");

    Path html = Path.of(RunHtmlReport.write(lake, D).toUri());
    assertEquals(lake.localRoot().resolve("reports").resolve("nightjar-2026-10-31.html"), html);
    String page = Files.readString(html);

    List<BufferedImage> charts = charts(page);
    assertEquals(4, charts.size(), "trend, frontier, composition, quarantine");
    for (BufferedImage chart : charts) {
      assertEquals(ReportCharts.WIDTH, chart.getWidth());
      assertEquals(ReportCharts.HEIGHT, chart.getHeight());
    }
    assertFalse(page.contains("http://") || page.contains("https://"), "no external references");
    assertFalse(Pattern.compile("(src|href)=\"(?!data:)").matcher(page).find(), "nothing loaded from elsewhere");
    assertFalse(page.contains("<script"), "no scripts");
    assertFalse(page.contains("not computed yet"), "every section has its table");

    // trend: the three nights and the blend's metrics
    for (String night : List.of("2026-10-29", "2026-10-30", "2026-10-31")) {
      assertTrue(page.contains("<td>" + night + "</td>"), night);
    }
    assertTrue(page.contains("<th>ndcg@10</th><th>recall@10</th><th>coverage@10</th>"), "trend table header");
    assertTrue(page.contains(cell(ReportFixtures.value(2, "blend", "all", "ndcg", 10))), "NDCG@10 of the blend on D");
    // frontier: E=0 (blend) and each blend_explore_<E> of the latest night, labelled
    for (int e : List.of(0, 1, 2, 4)) {
      assertTrue(page.contains("<td>E=" + e + "</td>"), "frontier label E=" + e);
      assertTrue(page.contains(cell(ReportFixtures.value(2, e == 0 ? "blend" : "blend_explore_" + e, "all", "coverage", 10))), "coverage E=" + e);
    }
    assertTrue(page.contains("<td>blend_explore_4</td>"));
    // composition: every source with its rows (30 users x 25 ranks; ranks 10 and 20 explore)
    assertTrue(page.contains("750 rows for 30 users on 2026-10-31."), "composition summary");
    assertTrue(page.contains("<tr><td>explore</td><td>60</td><td>8.0 %</td>"), "explore rows and share");
    for (String source : List.of("als", "content", "trending")) {
      assertTrue(page.contains("<tr><td>" + source + "</td>"), source);
    }
    // quarantine of D only, by reason, escaped
    assertTrue(page.contains("<tr><td>duplicate</td><td>events</td><td>5</td></tr>"));
    assertTrue(page.contains("<tr><td>bad_timestamp</td><td>events</td><td>3</td></tr>"));
    assertTrue(page.contains("<tr><td>missing_title</td><td>items</td><td>1</td></tr>"));
    assertTrue(page.contains("<td>&lt;b&gt;odd &amp; &quot;quoted&quot;&lt;/b&gt;</td>"), "text is escaped");
    assertFalse(page.contains(ODD_REASON) || page.contains("<b>"), "no raw markup from the data");
    assertFalse(page.contains("too_old"), "other nights' quarantine is not D's");
    assertTrue(page.contains("10 rows quarantined on 2026-10-31."), "9 events and 1 item");
    // stages and publication
    assertTrue(page.contains("<tr><td>ingest</td><td>ok</td><td>1,009</td><td>1,000</td><td>9</td>"), "ingest row");
    assertTrue(page.indexOf("<td>ingest</td>") < page.indexOf("<td>recommend</td>"), "stages in pipeline order");
    assertTrue(page.contains("<td>published</td><td>gate passed: ndcg@10 within 5% of the previous night</td>"));
    assertTrue(page.contains("Serving now: the lists of 2026-10-31 (750 rows in published_recommendations)."));

    assertEquals(page, Files.readString(Path.of(RunHtmlReport.write(lake, D).toUri())), "the same tables give the same page");
  }

  @Test
  void withoutMetricsThePageStillRendersAndSaysHowToComputeThem() throws Exception {
    Lakehouse lake = new Lakehouse(spark(), tempDir.resolve("no-metrics"));
    ReportFixtures.writeRecommendations(lake, D, 5, 12);
    ReportFixtures.writeQuarantine(lake, D, List.of("duplicate"), List.of(2));
    ReportFixtures.writeRunReport(lake, D, 2);

    String page = Files.readString(Path.of(RunHtmlReport.write(lake, D).toUri()));
    assertTrue(page.contains("not computed yet: run <code>bin/nightjar evaluate --date 2026-10-31</code>"), page);
    assertTrue(page.contains("not computed yet: run <code>bin/nightjar publish --date 2026-10-31</code>"), page);
    assertEquals(2, charts(page).size(), "composition and quarantine only");
    assertTrue(page.contains("60 rows for 5 users on 2026-10-31."));
    assertTrue(page.contains("<h2>Exploration frontier</h2>"));
  }

  @Test
  void metricsOfEarlierNightsOnlyShowTheLatestFrontierAndSaySo() throws Exception {
    Lakehouse lake = new Lakehouse(spark(), tempDir.resolve("stale-metrics"));
    ReportFixtures.writeMetrics(lake, D.minusDays(1), 0);
    ReportFixtures.writeMetrics(lake, D.plusDays(1), 2); // a later night is not shown in D's report

    String page = Files.readString(Path.of(RunHtmlReport.write(lake, D).toUri()));
    assertEquals(2, charts(page).size(), "trend (one night) and frontier");
    assertTrue(page.contains("no metrics for 2026-10-31 yet"), page);
    assertTrue(page.contains("showing the latest night with metrics, 2026-10-30"));
    assertFalse(page.contains("2026-11-01"), "nights after D are left out");
  }

  @Test
  void anEmptyLakehouseRendersNotesOnly() throws Exception {
    Lakehouse lake = new Lakehouse(spark(), tempDir.resolve("empty"));
    Files.createDirectories(lake.localRoot());
    String page = Files.readString(Path.of(RunHtmlReport.write(lake, D).toUri()));
    assertEquals(0, charts(page).size());
    for (String command : List.of("nightly", "publish", "evaluate", "recommend", "ingest")) {
      assertTrue(page.contains("run <code>bin/nightjar " + command + " --date 2026-10-31</code>"), command);
    }
  }

  @Test
  void explorationSlotsOfVariantNames() {
    assertEquals(0, RunHtmlReport.explorationSlots("blend"));
    assertEquals(3, RunHtmlReport.explorationSlots("blend_explore_3"));
    assertNull(RunHtmlReport.explorationSlots("blend_explore_x"));
    assertNull(RunHtmlReport.explorationSlots("als"));
    assertEquals(List.of("1-5", "6-10", "11-20", "21-50", "51+"),
        java.util.stream.IntStream.rangeClosed(0, 4).mapToObj(RunHtmlReport::bucketLabel).toList());
    assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&#39;", Html.esc("<a href=\"x\">&'"));
  }

  private static String cell(double value) {
    return "<td>" + String.format(java.util.Locale.ROOT, "%.4f", value) + "</td>";
  }

  /** The inlined charts, decoded. */
  static List<BufferedImage> charts(String page) throws Exception {
    List<BufferedImage> images = new ArrayList<>();
    Matcher m = IMG.matcher(page);
    while (m.find()) {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
      assertNotNull(image, "a PNG");
      images.add(image);
    }
    return images;
  }
}
