package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.config.Suggestions;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.models.text.ItemTextEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Runs Spark SQL over the lakehouse tables, each registered as a view named after it. The query comes as an
 * argument, from a file ({@code -f}) or from standard input ({@code -}); SQL comments are allowed in all three. A
 * Spark error is one line (the stack trace only with {@code --verbose}); a table that does not exist yet is named
 * with the tables that do and the command that writes it ({@link Tables#WRITTEN_BY}).
 *
 * <pre>{@code
 * bin/nightjar sql -f notebooks/sql/quarantine_by_reason.sql --format csv
 * echo "SELECT count(*) FROM events" | bin/nightjar sql -
 * }</pre>
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Run Spark SQL over the lakehouse tables (each table is a view of the same name) and print the result.",
        "The query is the argument, the file given with -f, or standard input with -; SQL comments (-- and /* */) are allowed.",
        "Example: nightjar sql \"SELECT reason, count(*) AS n FROM quarantine GROUP BY reason ORDER BY n DESC\"",
        "         nightjar sql -f notebooks/sql/quarantine_by_reason.sql --format csv",
        "Text functions: embed_text(text) -> ARRAY<FLOAT> (the item encoder) and cosine(a, b), e.g.",
        "  nightjar sql \"SELECT e.item_id, e.text FROM item_embeddings e ORDER BY cosine(e.vector, embed_text('garden hose')) DESC LIMIT 5\""})
public final class SqlCommand implements Callable<Integer> {
  public enum Format { table, csv, json }

  /** The argument that reads the query from standard input. */
  public static final String STDIN = "-";

  @Mixin CommonOptions common;

  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "QUERY", description = "The SQL query, or - to read it from standard input.")
  String query;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the query from FILE, e.g. notebooks/sql/quarantine_by_reason.sql.")
  Path file;

  @Option(names = "--format", defaultValue = "table",
      description = "Output: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}); csv writes map, array and struct values as JSON.")
  Format format;

  @Option(names = "--limit", defaultValue = "1000", description = "At most this many rows are printed (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--verbose", description = "On an error, also print Spark's stack trace.")
  boolean verbose;

  /**
   * The command line of {@code sql}: an argument that starts like an option (a query opening with a {@code --}
   * comment) is the query, not an unknown option.
   */
  public static CommandLine commandLine() {
    return new CommandLine(new SqlCommand()).setUnmatchedOptionsArePositionalParams(true);
  }

  @Override
  public Integer call() {
    String sql = queryText(query, file, System.in);
    common.withContext("nightjar sql", ctx -> {
      try {
        print(ctx.lake(), sql, format, limit, System.out);
      } catch (IllegalArgumentException e) {
        if (verbose && e.getCause() instanceof SparkThrowable) {
          e.getCause().printStackTrace(spec.commandLine().getErr());
        }
        throw e;
      }
      return null;
    });
    return 0;
  }

  /**
   * Runs {@code sql} over {@code lake}'s tables (each a view) and prints at most {@code limit} rows to {@code out}.
   * A Spark error (unknown table, column, syntax) becomes an {@link IllegalArgumentException} whose message is
   * {@link #explain} and whose cause is Spark's.
   */
  static void print(Lakehouse lake, String sql, Format format, int limit, PrintStream out) {
    List<String> tables = lake.registerViews();
    ItemTextEmbedder.registerSqlFunctions(lake.spark());
    Dataset<Row> result;
    List<Row> rows;
    try {
      result = format == Format.csv ? jsonEncoded(lake.spark().sql(sql)) : lake.spark().sql(sql);
      rows = result.limit(limit).collectAsList();
    } catch (Exception e) { // AnalysisException is a checked exception that Scala code throws undeclared
      if (!(e instanceof SparkThrowable)) {
        throw e;
      }
      throw new IllegalArgumentException(explain(e, tables, lake.root().toString()), e);
    }
    List<String> header = Arrays.asList(result.columns());
    switch (format) {
      case table -> TablePrinter.aligned(out, header, TablePrinter.cells(rows));
      case csv -> TablePrinter.csv(out, header, TablePrinter.cells(rows));
      case json -> TablePrinter.jsonLines(out, rows);
    }
  }

  /**
   * The query: {@code query} as given, the text of {@code file}, or all of {@code stdin} when {@code query} is
   * {@link #STDIN}. Exactly one source; fails naming the forms when there is none, two, or only blank text.
   */
  static String queryText(String query, Path file, InputStream stdin) {
    if ((query == null) == (file == null)) {
      throw new IllegalArgumentException((query == null ? "no query given" : "both a query and -f " + file + " given")
          + ": give the query as an argument, with -f FILE, or - to read it from standard input");
    }
    String text;
    try {
      text = file != null ? Files.readString(file)
          : query.equals(STDIN) ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8) : query;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the query from " + (file != null ? file : "standard input"), e);
    }
    if (text.isBlank()) {
      throw new IllegalArgumentException("the query " + (file != null ? "in " + file + " " : "") + "is empty");
    }
    return text;
  }

  /** Map, array and struct columns as JSON text ({@code {"a":1}}, {@code [1,2]}), so that CSV cells are data. */
  static Dataset<Row> jsonEncoded(Dataset<Row> df) {
    StructField[] fields = df.schema().fields();
    Column[] columns = new Column[fields.length];
    for (int i = 0; i < fields.length; i++) {
      Column c = df.col("`" + fields[i].name().replace("`", "``") + "`");
      boolean nested = fields[i].dataType() instanceof MapType || fields[i].dataType() instanceof ArrayType
          || fields[i].dataType() instanceof StructType;
      columns[i] = nested ? functions.to_json(c).as(fields[i].name()) : c;
    }
    return df.select(columns);
  }

  /**
   * One paragraph for a Spark error: for a table or view that does not exist, the tables there and the command
   * that writes it (or the nearest table names for a typo); otherwise Spark's message without the plan.
   */
  static String explain(Exception e, List<String> tables, String root) {
    String there = "Tables in " + root + ": " + (tables.isEmpty() ? "none (import data with `bin/nightjar import` or run `bin/nightjar demo`)"
        : String.join(", ", tables)) + ".";
    if (e instanceof AnalysisException a && "TABLE_OR_VIEW_NOT_FOUND".equals(a.getCondition())) {
      String quoted = a.getMessageParameters().getOrDefault("relationName", "");
      String[] parts = quoted.split("\\.");
      String name = parts[parts.length - 1].replace("`", "");
      String writer = Tables.WRITTEN_BY.get(name);
      if (writer != null) {
        return "table " + name + " does not exist yet: `" + writer + "` writes it. " + there;
      }
      List<String> near = Suggestions.nearest(name, Tables.ALL);
      return "no table " + name + (near.isEmpty() ? "" : " (did you mean " + String.join(" or ", near) + "?)") + ". " + there;
    }
    String message = e instanceof AnalysisException a ? a.getSimpleMessage() : e.getMessage();
    return message + "\n(--verbose prints Spark's stack trace)";
  }
}
