package dev.nightjar.jobs.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nightjar.jobs.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PseudonymKeyTest {
  private static final String KEY_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  private static final byte[] KEY = HexFormat.of().parseHex(KEY_HEX);
  private static final String OTHER_HEX = "ff".repeat(40);

  @TempDir Path dir;

  private static final Configuration HADOOP = new Configuration();

  /** The lakehouse root as Nightjar holds it: a {@code file:} URI. */
  private org.apache.hadoop.fs.Path lakehouse() {
    return root(dir.resolve("lakehouse"));
  }

  private static org.apache.hadoop.fs.Path root(Path folder) {
    return new org.apache.hadoop.fs.Path(folder.toUri());
  }

  private static Path local(org.apache.hadoop.fs.Path path) {
    return Path.of(path.toUri());
  }

  private Path keyFile(String name, String content, String permissions) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    return file;
  }

  @Test
  void envVariableHoldsHexInEitherCaseWithWhitespace() {
    Map<String, String> env = Map.of(PseudonymKey.ENV_KEY, "  " + KEY_HEX.toUpperCase() + "\n");
    assertArrayEquals(KEY, PseudonymKey.load(env, Optional.empty(), false, lakehouse(), HADOOP));
  }

  @Test
  void envVariableWinsOverFilesAndNothingIsGenerated() throws IOException {
    Path worldReadable = keyFile("shared.key", OTHER_HEX, "rw-r--r--");
    Map<String, String> env =
        Map.of(PseudonymKey.ENV_KEY, KEY_HEX, PseudonymKey.ENV_KEY_FILE, worldReadable.toString());
    assertArrayEquals(KEY, PseudonymKey.load(env, Optional.of(worldReadable), true, lakehouse(), HADOOP));
    assertFalse(Files.exists(local(PseudonymKey.localKeyPath(lakehouse()))), "no local key when one is given");
  }

  @Test
  void malformedOrShortEnvKeysFailWithoutShowingTheValue() {
    ConfigException notHex =
        assertThrows(
            ConfigException.class,
            () -> PseudonymKey.load(Map.of(PseudonymKey.ENV_KEY, "zz-secret-zz"), Optional.empty(), true, lakehouse(), HADOOP));
    assertTrue(notHex.getMessage().contains(PseudonymKey.ENV_KEY), notHex.getMessage());
    assertTrue(notHex.getMessage().contains("not hex"), notHex.getMessage());
    assertFalse(notHex.getMessage().contains("secret"), "the value must not be echoed");

    ConfigException shortKey =
        assertThrows(
            ConfigException.class,
            () -> PseudonymKey.load(Map.of(PseudonymKey.ENV_KEY, "ab".repeat(16 + 15)), Optional.empty(), true, lakehouse(), HADOOP));
    assertTrue(shortKey.getMessage().contains("is 31 bytes; at least 32"), shortKey.getMessage());

    ConfigException empty =
        assertThrows(
            ConfigException.class,
            () -> PseudonymKey.load(Map.of(PseudonymKey.ENV_KEY, " "), Optional.empty(), true, lakehouse(), HADOOP));
    assertTrue(empty.getMessage().contains("is 0 bytes"), empty.getMessage());
  }

  @Test
  void configuredFileIsReadAndWinsOverTheEnvFileVariable() throws IOException {
    Path configured = keyFile("configured.key", KEY_HEX + "\n", "rw-------");
    Path fromEnv = keyFile("env.key", OTHER_HEX, "rw-------");
    Map<String, String> env = Map.of(PseudonymKey.ENV_KEY_FILE, fromEnv.toString());
    assertArrayEquals(KEY, PseudonymKey.load(env, Optional.of(configured), false, lakehouse(), HADOOP));
  }

  @Test
  void envFileVariableIsReadAndGroupReadableFilesAreAccepted() throws IOException {
    Path file = keyFile("group.key", KEY_HEX, "r--r-----");
    Map<String, String> env = Map.of(PseudonymKey.ENV_KEY_FILE, file.toString());
    assertArrayEquals(KEY, PseudonymKey.load(env, Optional.empty(), false, lakehouse(), HADOOP));
  }

  @Test
  void filesOthersCanReadOrWriteAreRefused() throws IOException {
    for (String permissions : new String[] {"rw-r--r--", "rw-----w-"}) {
      Path file = keyFile("open-" + permissions.hashCode() + ".key", KEY_HEX, permissions);
      ConfigException e =
          assertThrows(
              ConfigException.class, () -> PseudonymKey.load(Map.of(), Optional.of(file), false, lakehouse(), HADOOP));
      assertTrue(e.getMessage().contains("accessible to all users (permissions " + permissions + ")"), e.getMessage());
      assertTrue(e.getMessage().contains("chmod 600 " + file), e.getMessage());
    }
  }

  @Test
  void missingFileIsNamed() {
    Path missing = dir.resolve("nope.key");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                PseudonymKey.load(
                    Map.of(PseudonymKey.ENV_KEY_FILE, missing.toString()), Optional.empty(), true, lakehouse(), HADOOP));
    assertTrue(e.getMessage().contains(PseudonymKey.ENV_KEY_FILE + " file " + missing), e.getMessage());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void clusterRunWithoutAKeyFailsNamingBothVariables() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> PseudonymKey.load(Map.of(), Optional.empty(), false, lakehouse(), HADOOP));
    assertTrue(e.getMessage().contains(PseudonymKey.ENV_KEY + " "), e.getMessage());
    assertTrue(e.getMessage().contains(PseudonymKey.ENV_KEY_FILE), e.getMessage());
    assertFalse(Files.exists(local(lakehouse())), "a cluster run generates nothing");
  }

  @Test
  void embeddedRunGeneratesAnOwnerOnlyKeyOnceAndReusesIt() throws IOException {
    byte[] first = PseudonymKey.load(Map.of(), Optional.empty(), true, lakehouse(), HADOOP);
    Path file = local(PseudonymKey.localKeyPath(lakehouse()));
    assertEquals(dir.resolve("lakehouse").resolve("_secrets").resolve("pseudonym.key"), file);
    assertEquals(PseudonymKey.GENERATED_KEY_BYTES, first.length);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    assertEquals(HexFormat.of().formatHex(first) + "\n", Files.readString(file));
    try (var entries = Files.list(file.getParent())) {
      assertEquals(1, entries.count(), "no temporary file left behind");
    }

    byte[] again = PseudonymKey.load(Map.of(), Optional.empty(), true, lakehouse(), HADOOP);
    assertArrayEquals(first, again);
    byte[] otherLakehouse = PseudonymKey.load(Map.of(), Optional.empty(), true, root(dir.resolve("other")), HADOOP);
    assertFalse(Arrays.equals(first, otherLakehouse), "random per lakehouse");
  }

  @Test
  void embeddedRunRefusesALocalKeyOthersCanRead() throws IOException {
    PseudonymKey.load(Map.of(), Optional.empty(), true, lakehouse(), HADOOP);
    Path file = local(PseudonymKey.localKeyPath(lakehouse()));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> PseudonymKey.load(Map.of(), Optional.empty(), true, lakehouse(), HADOOP));
    assertTrue(e.getMessage().contains("local key file " + PseudonymKey.localKeyPath(lakehouse())), e.getMessage());
  }

  @Test
  void fingerprintIsShortStableAndDiffersPerKey() {
    String fingerprint = PseudonymKey.fingerprint(KEY);
    assertTrue(fingerprint.matches("[0-9a-f]{16}"), fingerprint);
    assertEquals(fingerprint, PseudonymKey.fingerprint(KEY.clone()));
    assertNotEquals(fingerprint, PseudonymKey.fingerprint(HexFormat.of().parseHex(OTHER_HEX)));
    assertFalse(KEY_HEX.contains(fingerprint));
  }
}
