package dev.nightjar.jobs.bench;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.stages.Pipeline;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineBenchmarkTest extends SparkTestBase {

  @Test
  void tinyShopReportsEveryStageAndSharesAddUpToTheTotal() throws Exception {
    Path work = tempDir.resolve("bench");
    StageContext ctx =
        new StageContext(spark(), new Lakehouse(spark(), work.resolve("lakehouse")), NightjarConfig.load(null, List.of()));
    PipelineBenchmark.Result r = PipelineBenchmark.run(ctx, work, new PipelineBenchmark.Params(80, 36, 3_000, 5));

    assertEquals(Pipeline.STAGES, r.stages().stream().map(PipelineBenchmark.StageResult::stage).toList());
    double shares = r.stages().stream().mapToDouble(r::sharePercent).sum();
    assertEquals(100.0, shares, 1e-6);
    assertTrue(Math.abs(r.shop().events() - 3_000) < 300, "about the events asked for: " + r.shop().events());
    for (PipelineBenchmark.StageResult s : r.stages()) {
      assertEquals("ok", s.status(), s.stage());
      assertTrue(s.rowsIn() > 0 && s.rowsOut() > 0, s.toString());
      assertTrue(s.peakHeapBytes() > 0, s.toString());
    }
    PipelineBenchmark.StageResult ingest = r.stages().get(0);
    assertTrue(ingest.rowsIn() >= ingest.rowsOut() && ingest.rowsIn() > r.shop().events() * 0.9, ingest.toString());

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PipelineBenchmark.print(r, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String text = bytes.toString(StandardCharsets.UTF_8);
    System.out.println(text);
    for (String stage : Pipeline.STAGES) {
      assertTrue(text.lines().anyMatch(l -> l.startsWith(stage + " ")), "a row for " + stage + ":\n" + text);
    }
    List<String> lines = text.lines().toList();
    assertTrue(lines.get(lines.size() - 1).startsWith("bench pipeline: 80 users, 36 items, "), text);
  }
}
