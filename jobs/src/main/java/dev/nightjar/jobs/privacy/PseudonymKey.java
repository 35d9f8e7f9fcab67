package dev.nightjar.jobs.privacy;

import dev.nightjar.jobs.config.ConfigException;
import dev.nightjar.jobs.lake.Lakehouse;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the secret key of the pseudonymous ids ({@code Pseudonyms.hmacSha256}). The key is
 * hex text (upper or lower case, surrounding whitespace ignored) of at least {@value
 * #MIN_KEY_BYTES} bytes, e.g. from {@code openssl rand -hex 32}. It is looked for, in this order:
 *
 * <ol>
 *   <li>the environment variable {@value #ENV_KEY};
 *   <li>a secret file: {@code secretFile} (from the job's config) or else the file named by the
 *       environment variable {@value #ENV_KEY_FILE}. The file must not be readable or writable by
 *       other users (POSIX permissions; group access is allowed, as with a Kubernetes secret mounted
 *       with {@code defaultMode: 0440} and an {@code fsGroup}), otherwise loading fails;
 *   <li>embedded runs only: {@code <lakehouse>/}{@value #LOCAL_KEY_DIR}{@code /}{@value
 *       #LOCAL_KEY_FILE}, created on first use with {@value #GENERATED_KEY_BYTES} random bytes and
 *       owner-only permissions, and reused afterwards. It is kept through the lakehouse's Hadoop file
 *       system, wherever the lakehouse is; permissions are checked where the file system has them
 *       ({@code file:}, {@code hdfs:}), not on object stores.
 * </ol>
 *
 * The secret file is a local file of the driver (a mounted secret); it is read through Hadoop's local
 * file system so that both files pass the same checks.
 *
 * A cluster run without a key fails, naming both variables. The key is never read from the
 * repository or the {@code conf/} files, and never logged: logs show only its {@link
 * #fingerprint(byte[]) fingerprint}.
 *
 * <pre>{@code
 * boolean embedded = spark.sparkContext().isLocal();
 * Configuration hadoop = spark.sparkContext().hadoopConfiguration();
 * byte[] key = PseudonymKey.load(System.getenv(), config.pseudonymKeyFile(), embedded, lake.productionRoot(), hadoop);
 * }</pre>
 */
public final class PseudonymKey {
  private PseudonymKey() {}

  private static final Logger LOG = LoggerFactory.getLogger(PseudonymKey.class);

  /** Environment variable holding the key as hex. */
  public static final String ENV_KEY = "NIGHTJAR_PSEUDONYM_KEY";

  /** Environment variable naming a file that holds the key as hex. */
  public static final String ENV_KEY_FILE = "NIGHTJAR_PSEUDONYM_KEY_FILE";

  /** The shortest key accepted: HMAC-SHA256's output length (RFC 2104 advises no less). */
  public static final int MIN_KEY_BYTES = 32;

  /** Length of the key generated for embedded runs. */
  public static final int GENERATED_KEY_BYTES = 32;

  /** Folder under the lakehouse root holding the embedded runs' generated key. */
  public static final String LOCAL_KEY_DIR = "_secrets";

  /** File name of the embedded runs' generated key. */
  public static final String LOCAL_KEY_FILE = "pseudonym.key";

  private static final FsPermission OWNER_ONLY_FILE = new FsPermission((short) 0600);
  private static final String FINGERPRINT_LABEL = "nightjar-pseudonym-key-fingerprint:";
  private static final FsPermission OWNER_ONLY_DIR = new FsPermission((short) 0700);
  /** File systems whose permissions restrict who reads a file; object stores' are made up and not checked. */
  private static final Set<String> PERMISSION_SCHEMES = Set.of(Lakehouse.LOCAL_SCHEME, "hdfs");

  /**
   * The key bytes, from the first source that has one (see the class comment).
   *
   * @param env the environment ({@code System.getenv()}; a map in tests)
   * @param secretFile the key file named in the job's config, if any; it takes precedence over
   *     {@value #ENV_KEY_FILE}
   * @param embedded true for a local-master run, the only kind allowed to generate a key
   * @param lakehouseRoot the qualified lakehouse root ({@link Lakehouse#productionRoot()}), where an embedded run
   *     keeps its generated key
   * @param hadoop the Hadoop configuration of the lakehouse's file system (the session's)
   * @throws ConfigException when no key is found on a cluster run, or a key is malformed, too short,
   *     or kept in a file others can read
   */
  public static byte[] load(Map<String, String> env, Optional<java.nio.file.Path> secretFile, boolean embedded,
      Path lakehouseRoot, Configuration hadoop) {
    String fromEnv = env.get(ENV_KEY);
    Optional<java.nio.file.Path> file = secretFile.or(() -> Optional.ofNullable(env.get(ENV_KEY_FILE)).map(java.nio.file.Path::of));
    if (fromEnv != null) {
      if (file.isPresent()) {
        LOG.warn("both {} and a key file ({}) are set; using {}", ENV_KEY, file.get(), ENV_KEY);
      }
      return loaded(parse(fromEnv, "environment variable " + ENV_KEY), "environment variable " + ENV_KEY);
    }
    if (file.isPresent()) {
      String what = secretFile.isPresent() ? "key file " + file.get() : ENV_KEY_FILE + " file " + file.get();
      Path local = new Path(file.get().toAbsolutePath().toUri());
      return loaded(readKeyFile(Lakehouse.fileSystem(local, hadoop), local, what), what);
    }
    if (!embedded) {
      throw new ConfigException(
          "no pseudonym key: a cluster run needs the secret key of the pseudonymous ids. Set "
              + ENV_KEY
              + " to at least "
              + MIN_KEY_BYTES
              + " bytes in hex (e.g. `openssl rand -hex 32`), or "
              + ENV_KEY_FILE
              + " to a file holding it that only the job's user can read. The same key must reach "
              + "serving, and changing it changes every pseudonym.");
    }
    Path local = localKeyPath(lakehouseRoot);
    return loaded(localKey(Lakehouse.fileSystem(local, hadoop), local), "local key file " + local);
  }

  /** Where an embedded run keeps its generated key: {@code <lakehouse>/_secrets/pseudonym.key}. */
  public static Path localKeyPath(Path lakehouseRoot) {
    return new Path(new Path(lakehouseRoot, LOCAL_KEY_DIR), LOCAL_KEY_FILE);
  }

  /**
   * A short, non-secret name of a key for logs and checks (do serving and the batch use the same
   * key?): the first 16 hex digits of SHA-256 over a fixed label and the key.
   */
  public static String fingerprint(byte[] key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(FINGERPRINT_LABEL.getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(sha.digest(key)).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  private static byte[] loaded(byte[] key, String source) {
    LOG.info("pseudonym key from {} ({} bytes, fingerprint {})", source, key.length, fingerprint(key));
    return key;
  }

  /** Hex text → bytes; the messages never include the text itself. */
  private static byte[] parse(String hex, String source) {
    String text = hex.strip();
    byte[] key;
    try {
      key = HexFormat.of().parseHex(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "the pseudonym key in "
              + source
              + " is not hex: it must be an even number of the digits 0-9 and a-f "
              + "(e.g. from `openssl rand -hex 32`); the value is not shown");
    }
    if (key.length < MIN_KEY_BYTES) {
      throw new ConfigException(
          "the pseudonym key in "
              + source
              + " is "
              + key.length
              + " bytes; at least "
              + MIN_KEY_BYTES
              + " are required (" + 2 * MIN_KEY_BYTES + " hex digits, e.g. `openssl rand -hex 32`)");
    }
    return key;
  }

  private static byte[] readKeyFile(FileSystem fs, Path file, String what) {
    FileStatus status;
    try {
      status = fs.getFileStatus(file);
    } catch (FileNotFoundException e) {
      status = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the " + what, e);
    }
    if (status == null || !status.isFile()) {
      throw new ConfigException("the " + what + " does not exist or is not a regular file");
    }
    checkNotShared(status, what);
    try (var in = fs.open(file)) {
      return parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII), what);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the " + what, e);
    }
  }

  /** Refuses a key file that users other than the owner (and its group) can read or write. */
  private static void checkNotShared(FileStatus status, String what) {
    Path file = status.getPath();
    if (!PERMISSION_SCHEMES.contains(file.toUri().getScheme())) {
      LOG.warn("cannot check who may read the {}: its file system has no real permissions", what);
      return;
    }
    FsPermission permission = status.getPermission();
    FsAction others = permission.getOtherAction();
    if (others.implies(FsAction.READ) || others.implies(FsAction.WRITE)) {
      String chmod = Lakehouse.LOCAL_SCHEME.equals(file.toUri().getScheme())
          ? "chmod 600 " + file.toUri().getPath()
          : "hdfs dfs -chmod 600 " + file;
      throw new ConfigException(
          "the "
              + what
              + " is accessible to all users (permissions "
              + permission
              + "); restrict it to its owner: "
              + chmod
              + " (Kubernetes: defaultMode 0400 on the secret volume)");
    }
  }

  /**
   * The embedded runs' key: read when present, otherwise generated once with owner-only access. The new key is
   * written to a hidden file first and renamed into place unless another run created the key meanwhile (then that
   * one is used).
   */
  private static byte[] localKey(FileSystem fs, Path file) {
    String what = "local key file " + file;
    try {
      if (fs.exists(file)) {
        return readKeyFile(fs, file, what);
      }
      byte[] key = new byte[GENERATED_KEY_BYTES];
      new SecureRandom().nextBytes(key);
      Path dir = file.getParent();
      if (!fs.exists(dir) && !fs.mkdirs(dir, OWNER_ONLY_DIR)) {
        throw new IOException("could not create " + dir);
      }
      Path tmp = new Path(dir, "." + LOCAL_KEY_FILE + "." + UUID.randomUUID() + ".tmp");
      try {
        try (FSDataOutputStream out = fs.create(tmp, OWNER_ONLY_FILE, false, 4096, fs.getDefaultReplication(tmp),
            fs.getDefaultBlockSize(tmp), null)) {
          out.write((HexFormat.of().formatHex(key) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        if (fs.exists(file) || !fs.rename(tmp, file)) {
          return readKeyFile(fs, file, what);
        }
      } finally {
        fs.delete(tmp, false);
      }
      LOG.warn(
          "generated a new pseudonym key in {} for embedded runs; keep it: deleting it changes every "
              + "pseudonym. Cluster runs need {} or {} instead",
          file,
          ENV_KEY,
          ENV_KEY_FILE);
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the " + what, e);
    }
  }
}
