package dev.nightjar.jobs.stages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A SHA-256 digest of the code Nightjar's stages run: the jars or class folders the jobs, models and transforms
 * classes are loaded from. A folder is digested file by file (relative path and content); a jar entry by entry
 * (name, CRC-32 and size from its central directory, so a large application jar costs a read of its index, not
 * of its bytes). A rebuilt class changes the digest; so does a changed dependency inside a shaded jar.
 *
 * <pre>{@code
 * String code = CodeDigest.ofRunningCode();            // computed once per JVM
 * String same = CodeDigest.of(List.of(Path.of("jobs/target/classes")));
 * }</pre>
 */
public final class CodeDigest {
  private static volatile String running;

  private CodeDigest() {}

  /** The digest of the code sources of this jobs module, models and transforms; computed once per JVM. */
  public static String ofRunningCode() {
    String d = running;
    if (d == null) {
      Set<Path> sources = new LinkedHashSet<>();
      for (Class<?> c : List.of(CodeDigest.class, dev.nightjar.models.cf.AlsParams.class, dev.nightjar.transforms.Columns.class)) {
        try {
          sources.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | NullPointerException | SecurityException e) {
          throw new IllegalStateException("cannot tell where " + c.getName() + " is loaded from", e);
        }
      }
      d = of(List.copyOf(sources));
      running = d;
    }
    return d;
  }

  /** The digest of {@code sources} (folders or jars), in the order given. */
  public static String of(List<Path> sources) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try {
      for (Path source : sources) {
        if (Files.isDirectory(source)) {
          try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.filter(Files::isRegularFile).sorted(Comparator.comparing(p -> source.relativize(p).toString())).toList()) {
              update(sha, source.relativize(f).toString().replace('\\', '/'));
              sha.update(Files.readAllBytes(f));
            }
          }
        } else {
          try (JarFile jar = new JarFile(source.toFile())) {
            jar.stream().sorted(Comparator.comparing(java.util.zip.ZipEntry::getName))
                .forEach(e -> update(sha, e.getName() + ' ' + e.getCrc() + ' ' + e.getSize()));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not digest the code in " + sources, e);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void update(MessageDigest sha, String text) {
    sha.update(text.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
  }
}
