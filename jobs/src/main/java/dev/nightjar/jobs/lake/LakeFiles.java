package dev.nightjar.jobs.lake;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Small UTF-8 text files beside the tables (workspace markers, experiment settings, HTML reports), read and written
 * through the lakehouse's Hadoop {@link FileSystem}, so they live wherever the lakehouse does ({@code file:},
 * {@code s3a:}, {@code abfss:}, {@code hdfs:}…).
 *
 * <pre>{@code
 * Path marker = lake.file("_prepared.txt");
 * LakeFiles.writeString(lake.fileSystem(), marker, fingerprint);
 * Optional<String> again = LakeFiles.readString(lake.fileSystem(), marker);
 * }</pre>
 */
public final class LakeFiles {
  private LakeFiles() {}

  /** The file's text, or empty when there is no such file. */
  public static Optional<String> readString(FileSystem fs, Path file) {
    try (var in = fs.open(file)) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * Writes {@code text} to {@code file}, replacing it, creating missing parent folders. Readers see the old or
   * the new file, never a part: the text goes to a hidden sibling first, which is then renamed over the file
   * (object stores publish a file whole on close anyway).
   */
  public static void writeString(FileSystem fs, Path file, String text) {
    Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp");
    try {
      try (FSDataOutputStream out = fs.create(tmp, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
      // POSIX rename replaces the file; HDFS's refuses an existing target, so that one is deleted first.
      if (!fs.rename(tmp, file) && !(fs.delete(file, false) && fs.rename(tmp, file))) {
        throw new IOException("could not rename " + tmp + " to " + file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
