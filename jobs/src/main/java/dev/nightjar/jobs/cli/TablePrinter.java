package dev.nightjar.jobs.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/** Prints rows as an aligned text table, CSV or JSON lines: the CLI's output formats. */
public final class TablePrinter {
  private TablePrinter() {}

  public static void aligned(PrintStream out, List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      width[i] = header.get(i).length();
    }
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    out.println(line(header, width));
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
    }
    out.println(rule);
    for (List<String> row : rows) {
      out.println(line(row, width));
    }
  }

  private static String line(List<String> cells, int[] width) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      b.append(i == 0 ? "" : "  ").append(cell).append(" ".repeat(width[i] - cell.length()));
    }
    return b.toString().stripTrailing();
  }

  public static void csv(PrintStream out, List<String> header, List<List<String>> rows) {
    out.println(String.join(",", header.stream().map(TablePrinter::csvCell).toList()));
    for (List<String> row : rows) {
      out.println(String.join(",", row.stream().map(TablePrinter::csvCell).toList()));
    }
  }

  private static String csvCell(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  /** One JSON object per row (values as JSON strings, numbers and booleans as they are). */
  public static void jsonLines(PrintStream out, List<Row> rows) {
    for (Row row : rows) {
      out.println(row.json());
    }
  }

  /** Cells of Spark rows as display strings ({@code null} for nulls). */
  public static List<List<String>> cells(List<Row> rows) {
    List<List<String>> out = new ArrayList<>();
    for (Row row : rows) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < row.length(); i++) {
        Object v = row.get(i);
        cells.add(v == null ? "null" : display(v));
      }
      out.add(cells);
    }
    return out;
  }

  private static String display(Object v) {
    if (v instanceof Double d) {
      return String.format(java.util.Locale.ROOT, "%.4f", d);
    }
    if (v instanceof Float f) {
      return String.format(java.util.Locale.ROOT, "%.4f", f);
    }
    if (v instanceof scala.collection.Map<?, ?> m) {
      return scala.jdk.javaapi.CollectionConverters.asJava(m).toString();
    }
    if (v instanceof scala.collection.Seq<?> s) {
      return scala.jdk.javaapi.CollectionConverters.asJava(s).toString();
    }
    return v.toString();
  }
}
