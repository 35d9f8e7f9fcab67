package dev.nightjar.jobs.cli;

import dev.nightjar.models.text.ItemTextEmbedder;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs Spark SQL over the lakehouse tables, each registered as a view named after it. */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Run Spark SQL over the lakehouse tables (each table is a view of the same name) and print the result.",
        "Example: nightjar sql \"SELECT reason, count(*) AS n FROM quarantine GROUP BY reason ORDER BY n DESC\"",
        "Text functions: embed_text(text) -> ARRAY<FLOAT> (the item encoder) and cosine(a, b), e.g.",
        "  nightjar sql \"SELECT e.item_id, e.text FROM item_embeddings e ORDER BY cosine(e.vector, embed_text('garden hose')) DESC LIMIT 5\""})
public final class SqlCommand implements Callable<Integer> {
  public enum Format { table, csv, json }

  @Mixin CommonOptions common;

  @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL query.")
  String query;

  @Option(names = "--format", defaultValue = "table", description = "Output: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--limit", defaultValue = "1000", description = "At most this many rows are printed (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    common.withContext("nightjar sql", ctx -> {
      ctx.lake().registerViews();
      ItemTextEmbedder.registerSqlFunctions(ctx.spark());
      Dataset<Row> result = ctx.spark().sql(query);
      List<Row> rows = result.limit(limit).collectAsList();
      List<String> header = Arrays.asList(result.columns());
      switch (format) {
        case table -> TablePrinter.aligned(System.out, header, TablePrinter.cells(rows));
        case csv -> TablePrinter.csv(System.out, header, TablePrinter.cells(rows));
        case json -> TablePrinter.jsonLines(System.out, rows);
      }
      return null;
    });
    return 0;
  }
}
