package dev.nightjar.jobs.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.CliTest;
import dev.nightjar.jobs.Nightjar;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

/** {@code sql}: the query from an argument, a file or stdin with comments; Nightjar-style errors; JSON in CSV cells. */
class SqlCommandTest extends SparkTestBase {
  static final String COMMENTED = "-- quarantined rows per reason\n/* a block\n   comment */\n"
      + "SELECT reason, count(*) AS n FROM quarantine GROUP BY reason ORDER BY reason -- trailing\n";
  private static final InputStream NO_STDIN = new ByteArrayInputStream(new byte[0]);

  static Lakehouse lake;

  @BeforeAll
  static void tinyLakehouse() {
    Tables.ALL.forEach(t -> spark().catalog().dropTempView(t)); // views other test classes left in the shared session
    lake = new Lakehouse(spark(), tempDir.resolve("sql-lake").toString());
    spark().sql("SELECT * FROM VALUES ('r1', 'bad_price'), ('r2', 'too_old'), ('r3', 'bad_price') AS t(raw_id, reason)")
        .write().format("delta").save(lake.root() + "/" + Tables.QUARANTINE);
  }

  static String print(String sql, SqlCommand.Format format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SqlCommand.print(lake, sql, format, 100, new PrintStream(out, true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aQueryOpeningWithACommentIsTheQueryInEveryForm() throws Exception {
    // as an argument: picocli took "-- ..." for an unknown option before ("Missing required parameter: 'QUERY'")
    ParseResult parsed = Nightjar.commandLine().parseArgs("sql", COMMENTED, "--format", "csv");
    assertEquals(COMMENTED, parsed.subcommand().matchedPositionalValue(0, null));
    assertEquals(COMMENTED, SqlCommand.queryText(COMMENTED, null, NO_STDIN));
    Path file = tempDir.resolve("by_reason.sql");
    Files.writeString(file, COMMENTED);
    ParseResult withFile = Nightjar.commandLine().parseArgs("sql", "-f", file.toString());
    assertEquals(file, withFile.subcommand().matchedOptionValue("-f", null));
    assertEquals(COMMENTED, SqlCommand.queryText(null, file, NO_STDIN));
    ParseResult fromStdin = Nightjar.commandLine().parseArgs("sql", "-");
    assertEquals("-", fromStdin.subcommand().matchedPositionalValue(0, null));
    assertEquals(COMMENTED, SqlCommand.queryText("-", null, new ByteArrayInputStream(COMMENTED.getBytes(StandardCharsets.UTF_8))));

    assertEquals("reason,n\nbad_price,2\ntoo_old,1\n", print(COMMENTED, SqlCommand.Format.csv));
  }

  @Test
  void noQueryTwoQueriesOrABlankOneFailBeforeSparkStarts() throws Exception {
    Path file = tempDir.resolve("q.sql");
    Files.writeString(file, "SELECT 1");
    Path blank = tempDir.resolve("blank.sql");
    Files.writeString(blank, "\n  \n");
    CliTest.Run none = CliTest.run("sql", "--lakehouse", tempDir.resolve("never").toString());
    assertEquals(2, none.exitCode());
    assertEquals("nightjar sql: no query given: give the query as an argument, with -f FILE, or - to read it from standard input",
        none.err().strip());
    CliTest.Run both = CliTest.run("sql", "SELECT 2", "-f", file.toString(), "--lakehouse", tempDir.resolve("never").toString());
    assertEquals(2, both.exitCode());
    assertTrue(both.err().startsWith("nightjar sql: both a query and -f " + file + " given"), both.err());
    CliTest.Run empty = CliTest.run("sql", "-f", blank.toString(), "--lakehouse", tempDir.resolve("never").toString());
    assertEquals("nightjar sql: the query in " + blank + " is empty", empty.err().strip());
    assertFalse(Files.exists(tempDir.resolve("never")), "no session, no lakehouse");
  }

  @Test
  void aTableNotWrittenYetIsNamedWithTheTablesThereAndTheCommandThatWritesIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> print("-- the lists\nSELECT * FROM recommendations", SqlCommand.Format.table));
    assertEquals("table recommendations does not exist yet: `bin/nightjar recommend --date D (or nightly --date D)` writes it. "
        + "Tables in " + lake.root() + ": quarantine.", e.getMessage());
    assertInstanceOf(AnalysisException.class, e.getCause(), "Spark's error is kept for --verbose");

    IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
        () -> print("SELECT * FROM recomendations", SqlCommand.Format.table));
    assertTrue(typo.getMessage().startsWith("no table recomendations (did you mean recommendations?). Tables in "), typo.getMessage());

    IllegalArgumentException column = assertThrows(IllegalArgumentException.class,
        () -> print("SELECT no_such_column FROM quarantine", SqlCommand.Format.table));
    assertTrue(column.getMessage().contains("no_such_column"), column.getMessage());
    assertFalse(column.getMessage().contains("+- "), "no logical plan in the message: " + column.getMessage());
    assertTrue(column.getMessage().endsWith("(--verbose prints Spark's stack trace)"), column.getMessage());
  }

  @Test
  void everyTableNamesTheCommandThatWritesIt() {
    assertEquals(new HashSet<>(Tables.ALL), Tables.WRITTEN_BY.keySet());
  }

  @Test
  void csvCellsOfMapsArraysAndStructsAreJson() {
    String csv = print("SELECT 'x' AS s, map('a', 1, 'b', 2) AS m, array(1.5D, 2D) AS a, named_struct('k', 'v') AS st, "
        + "CAST(NULL AS MAP<STRING, INT>) AS none", SqlCommand.Format.csv);
    assertEquals("s,m,a,st,none\nx,\"{\"\"a\"\":1,\"\"b\"\":2}\",\"[1.5,2.0]\",\"{\"\"k\"\":\"\"v\"\"}\",null\n", csv);
    String table = print("SELECT map('a', 1) AS m", SqlCommand.Format.table);
    assertEquals(List.of("m", "-----", "{a=1}"), table.lines().toList(), "the aligned table keeps its short form");
  }
}
