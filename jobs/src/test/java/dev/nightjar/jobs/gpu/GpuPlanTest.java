package dev.nightjar.jobs.gpu;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The GPU plan check of issue 7: every operator of ingest, interactions and the evaluation joins and
 * aggregations would run on the GPU under the RAPIDS Accelerator, apart from {@link GpuAllowlist}. Runs
 * on CPU (RAPIDS' ExplainPlan needs no GPU); skipped only when the RAPIDS jar is not on the classpath.
 */
class GpuPlanTest extends SparkTestBase {

  @Test
  void preprocessingPlansRunOnTheGpuApartFromTheAllowlist() throws Exception {
    Assumptions.assumeTrue(GpuPlanCheck.rapidsOnClasspath(), GpuPlanCheck.MISSING_JAR_MESSAGE);
    Path work = tempDir.resolve("gpu-plan");
    StageContext ctx =
        new StageContext(spark(), new Lakehouse(spark(), work.resolve("lakehouse")), NightjarConfig.load(null, List.of()));
    GpuPlanCheck.Result result = GpuPlanCheck.run(ctx, work);
    String report = report(result);
    System.out.println(report);

    assertEquals(List.of(GpuPlanCheck.INGEST, GpuPlanCheck.INTERACTIONS, GpuPlanCheck.EVALUATION),
        result.plans().stream().map(p -> p.plan().stage()).distinct().toList());
    for (GpuPlanCheck.PlanResult p : result.plans()) {
      assertTrue(p.gpuOperators() > 20, "RAPIDS saw the plan of " + p.plan().name() + ":\n" + p.explain());
    }
    // The events plan is what ingest writes, pseudonyms included: their HMAC runs on the CPU bridge (allowed,
    // with its reason), and the key material it carries as a literal is not printed.
    assertTrue(result.plans().stream().filter(p -> p.plan().name().equals("events"))
        .flatMap(p -> p.cpuOperators().stream()).anyMatch(o -> o.operator().equals("Exec <Unhex>") && o.allowed()), report);
    assertFalse(GpuPlanCheck.KEY_MATERIAL.matcher(report).find(), "no binary literal (key material) in the report");
    assertTrue(report.contains(GpuPlanCheck.REDACTED), report);
    List<String> lines = report.lines().toList();
    assertEquals("gpu-plan: 0 operators stay on CPU outside the allowlist", lines.get(lines.size() - 1), report);
    assertEquals(0, result.outsideAllowlist(), report);
  }

  @Test
  void parsesRapidsExplainLinesAndAppliesTheAllowlist() {
    String explain = String.join("\n",
        "*Exec <ProjectExec> will run on GPU",
        "  *Expression <Alias> x#1 AS y#2 will run on GPU",
        "  !Exec <ProjectExec> cannot run on GPU because not all expressions can be replaced",
        "    !Expression <Invoke> invoke(StructsToJsonEvaluator(Map(),x)) cannot run on GPU because !Expression"
            + " <StructsToJson> to_json(original#9, Some(UTC)) cannot run on GPU because the Expression StructsToJson has"
            + " been disabled, and is disabled by default because it is currently in beta",
        "    ^Expression <Cast> try_cast(value#3 as double) will run on GPU via CPU bridge because try_cast is not supported on the GPU",
        "    !Exec <ShuffleExchangeExec> cannot run on GPU because Columnar exchange without columnar children is inefficient",
        "      @Partitioning <HashPartitioning> could run on GPU",
        "        @Expression <AttributeReference> k#5 could run on GPU",
        "      ! <LocalTableScanExec> cannot run on GPU because GPU does not currently support the operator class"
            + " org.apache.spark.sql.execution.LocalTableScanExec",
        "    #Exec <SortExec> could run on GPU but is going to be removed because replacing sortMergeJoin with shuffleHashJoin");
    GpuPlanCheck.PlanResult r =
        GpuPlanCheck.parse(new GpuPlanCheck.Plan("ingest", "quarantine (events)", null), explain, GpuAllowlist.DEFAULT, 0);
    assertEquals(2, r.gpuOperators());
    List<GpuPlanCheck.CpuOperator> cpu = r.cpuOperators();
    assertEquals(List.of("Exec <ProjectExec>", "Expression <Invoke> invoke(StructsToJsonEvaluator(Map(),x))",
        "Expression <Cast> try_cast(value as double)", "Exec <ShuffleExchangeExec>", "Exec <LocalTableScanExec>"),
        cpu.stream().map(GpuPlanCheck.CpuOperator::operator).toList());
    assertEquals("StructsToJson: the Expression StructsToJson has been disabled, and is disabled by default because it"
        + " is currently in beta", cpu.get(1).reason());
    assertTrue(cpu.get(2).reason().contains("CPU bridge") && cpu.get(2).reason().endsWith("try_cast is not supported on the GPU"));
    assertTrue(cpu.get(3).reason().endsWith("(input: LocalTableScanExec)"), cpu.get(3).reason());
    assertEquals(List.of(true, true, false, true, true), cpu.stream().map(GpuPlanCheck.CpuOperator::allowed).toList(),
        "a UDF or try_cast on the CPU bridge is never allowed");

    GpuPlanCheck.PlanResult elsewhere =
        GpuPlanCheck.parse(new GpuPlanCheck.Plan("interactions", "interactions", null), explain, GpuAllowlist.DEFAULT, 0);
    assertEquals(List.of(false, false, false, true, true),
        elsewhere.cpuOperators().stream().map(GpuPlanCheck.CpuOperator::allowed).toList(),
        "to_json is allowed only where ingest writes quarantine rows");
    GpuPlanCheck.Result result = new GpuPlanCheck.Result("test", List.of(r, elsewhere));
    assertEquals(4, result.outsideAllowlist());
    List<String> lines = report(result).lines().toList();
    assertEquals("gpu-plan: 4 operators stay on CPU outside the allowlist", lines.get(lines.size() - 1));
  }

  private static String report(GpuPlanCheck.Result result) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    GpuPlanCheck.print(result, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
