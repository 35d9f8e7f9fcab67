package dev.nightjar.jobs.lake;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lakehouse root is a URI: a bare path and a {@code file:} URI become the same local {@code file:} root, a root
 * under another scheme keeps it in every table path and all I/O goes through that scheme's Hadoop FileSystem (here
 * {@value #SCHEME}, local disk registered under a scheme of its own), and a scheme without a FileSystem fails at once.
 */
class LakehouseUriTest extends SparkTestBase {
  /** A scheme no built-in FileSystem serves; {@link LocalBacked} serves it from the local disk. */
  static final String SCHEME = "nightjar-test";

  /** The local disk under {@value #SCHEME}: every path it sees or returns carries that scheme. */
  public static final class LocalBacked extends RawLocalFileSystem {
    @Override
    public URI getUri() {
      return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
      return SCHEME;
    }
  }

  /** {@link LocalBacked} for Hadoop's FileContext, through which Delta's default log store commits. */
  public static final class LocalBackedFs extends DelegateToFileSystem {
    public LocalBackedFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(uri, new LocalBacked(), conf, SCHEME, false);
    }
  }

  @BeforeAll
  static void registerScheme() {
    Configuration hadoop = spark().sparkContext().hadoopConfiguration();
    hadoop.set("fs." + SCHEME + ".impl", LocalBacked.class.getName());
    hadoop.set("fs.AbstractFileSystem." + SCHEME + ".impl", LocalBackedFs.class.getName());
  }

  @Test
  void aBarePathIsALocalFolderMadeAbsoluteAndNothingIsCreated() {
    Lakehouse lake = new Lakehouse(spark(), "target/uri-test-bare/../uri-test-lake");
    Path expected = Path.of("target/uri-test-lake").toAbsolutePath();
    assertEquals("file:" + expected, lake.root().toString());
    assertEquals("file:" + expected + "/events", lake.path(Tables.EVENTS));
    assertEquals("file:" + expected + "/experiments/trial/events", lake.experiment("trial").path(Tables.EVENTS));
    assertEquals(expected, lake.localRoot());
    assertFalse(Files.exists(expected), "opening a lakehouse creates nothing");
    assertFalse(lake.exists(Tables.EVENTS));
    assertEquals(List.of(), lake.tableNames());
  }

  @Test
  void aFileUriIsTheSameLocalRootAndItsTablesAreOnDisk() {
    Path folder = tempDir.resolve("uri-file");
    Lakehouse lake = new Lakehouse(spark(), folder.toUri() + "/x/../");
    assertEquals("file:" + folder, lake.root().toString(), "normalized, no trailing slash");
    assertEquals(new Lakehouse(spark(), folder).root(), lake.root(), "the java.nio.file.Path constructor agrees");

    lake.replaceWhere("scores", spark().sql("SELECT 'a' AS id, 1.0 AS v"), "true");
    assertTrue(Files.isDirectory(folder.resolve("scores").resolve("_delta_log")));
    assertEquals(List.of("scores"), lake.tableNames());
    assertEquals(List.of("[a,1.0]"), sortedRows(lake.read("scores")));
  }

  @Test
  void aSchemeQualifiedRootKeepsItsSchemeAndAllIOGoesThroughItsFileSystem() {
    Path disk = tempDir.resolve("uri-scheme");
    String root = SCHEME + "://" + disk;
    Lakehouse lake = new Lakehouse(spark(), root);
    assertEquals(SCHEME + ":" + disk, lake.root().toString());
    assertEquals(SCHEME + ":" + disk + "/scores", lake.path("scores"));
    assertInstanceOf(LocalBacked.class, lake.fileSystem());
    assertThrows(IllegalStateException.class, lake::localRoot, "not a file: root");

    lake.replaceWhere("scores", spark().sql("SELECT * FROM VALUES (DATE'2026-10-30', 'a'), (DATE'2026-10-31', 'b') AS t(d, id)"),
        "true", "d");
    assertTrue(Files.isDirectory(disk.resolve("scores").resolve("_delta_log")), "the scheme's file system wrote to its disk");
    assertEquals(List.of("scores"), lake.tableNames());
    assertEquals(0L, lake.version("scores"));

    Lakehouse work = lake.workspace("w");
    work.replaceWhere("scores", spark().sql("SELECT DATE'2026-10-31' AS d, 'c' AS id"), "d = DATE'2026-10-31'", "d");
    assertEquals(SCHEME + ":" + disk + "/experiments/w/scores", work.path("scores"));
    assertEquals(List.of("[2026-10-31,c]"), sortedRows(work.read("scores")));
    LakeFiles.writeString(work.fileSystem(), work.file("_prepared.txt"), "fingerprint");
    assertEquals(Optional.of("fingerprint"), LakeFiles.readString(work.fileSystem(), work.file("_prepared.txt")));
    assertTrue(Files.isRegularFile(disk.resolve("experiments/w/_prepared.txt")));

    work.clearExperiment();
    assertFalse(Files.exists(disk.resolve("experiments/w")), "cleared through the scheme's file system");
    assertEquals(Optional.empty(), LakeFiles.readString(work.fileSystem(), work.file("_prepared.txt")));
    assertEquals(List.of("[2026-10-30,a]", "[2026-10-31,b]"), sortedRows(work.read("scores")), "the base's table again");
  }

  @Test
  void aSchemeWithoutAFileSystemFailsNamingItAndWhatToAddAndCreatesNothing() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Lakehouse(spark(), "s3a://bucket/nightjar"));
    assertTrue(e.getMessage().contains("no Hadoop FileSystem for scheme 's3a'"), e.getMessage());
    assertTrue(e.getMessage().contains("--packages org.apache.hadoop:hadoop-aws:"), e.getMessage());
    assertTrue(e.getMessage().contains("s3a://bucket/nightjar"), e.getMessage());
    assertFalse(Files.exists(Path.of("s3a:")), "no local folder named after the scheme");

    IllegalArgumentException other =
        assertThrows(IllegalArgumentException.class, () -> new Lakehouse(spark(), "nosuchfs://host/lake"));
    assertTrue(other.getMessage().contains("'nosuchfs'") && other.getMessage().contains("spark.hadoop.fs.nosuchfs.impl"),
        other.getMessage());
    assertFalse(Files.exists(Path.of("nosuchfs:")));
  }
}
