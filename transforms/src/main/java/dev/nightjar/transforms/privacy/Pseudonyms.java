package dev.nightjar.transforms.privacy;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.unhex;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * Pseudonymous ids: the lowercase hex HMAC-SHA256 of an id's UTF-8 bytes under a secret key.
 *
 * <p>{@link #hmacSha256(Column, byte[])} computes it inside Spark with built-in functions only
 * ({@code concat} on binaries, {@code sha2(…, 256)}, {@code unhex}), so the RAPIDS Accelerator can
 * plan it and no UDF is needed; {@link #hmacSha256Hex(String, byte[])} computes the same value in
 * plain Java ({@code javax.crypto.Mac}) for serving, which must find a user's list by the same
 * pseudonym. Both follow RFC 2104: {@code HMAC(K, m) = SHA256((K' ⊕ opad) ‖ SHA256((K' ⊕ ipad) ‖ m))}
 * with {@code K'} the key zero-padded to 64 bytes (hashed first when longer than 64).
 *
 * <p>The padded keys travel in the query plan as binary literals: anyone who can read the plan
 * (explain output, Spark UI, event logs) can recover the key unless those are redacted; see
 * {@link #REDACTION_REGEX} and {@code docs/privacy.md}.
 *
 * <pre>{@code
 * byte[] key = PseudonymKey.load(System.getenv(), Optional.empty(), embedded, lakehouse);
 * Dataset<Row> out = events.withColumn(Columns.USER_ID, Pseudonyms.hmacSha256(col(Columns.USER_ID), key));
 * String lookup = Pseudonyms.hmacSha256Hex("user-42", key); // serving: same value
 * }</pre>
 */
public final class Pseudonyms {
  private Pseudonyms() {}

  /** SHA-256's block size in bytes: keys are padded (or first hashed) to this length. */
  public static final int BLOCK_SIZE = 64;

  /**
   * A value for {@code spark.sql.redaction.string.regex} that hides the padded-key literals (64-byte
   * binary literals, printed as {@code 0x} and 128 hex digits) in explain output and the Spark UI.
   */
  public static final String REDACTION_REGEX = "(?i)0x[0-9a-f]{128}";

  private static final byte IPAD = 0x36;
  private static final byte OPAD = 0x5c;
  private static final String HMAC_SHA256 = "HmacSHA256";

  /**
   * The pseudonym of {@code id} as a Spark column: a 64-character lowercase hex string, null when
   * {@code id} is null. Non-string ids are cast to string first ({@code 42} hashes as {@code "42"}).
   *
   * @param id the id column (normally {@code user_id})
   * @param key the secret key, at least one byte
   */
  public static Column hmacSha256(Column id, byte[] key) {
    byte[] padded = paddedKey(key);
    Column message = id.cast(DataTypes.StringType).cast(DataTypes.BinaryType);
    Column inner = sha2(concat(lit(xor(padded, IPAD)), message), 256);
    return sha2(concat(lit(xor(padded, OPAD)), unhex(inner)), 256);
  }

  /**
   * The pseudonym of {@code id} in plain Java, equal to what {@link #hmacSha256(Column, byte[])}
   * gives in Spark.
   *
   * @param id the id, not null
   * @param key the secret key, at least one byte
   */
  public static String hmacSha256Hex(String id, byte[] key) {
    Objects.requireNonNull(id, "id must not be null");
    checkKey(key);
    try {
      Mac mac = Mac.getInstance(HMAC_SHA256);
      mac.init(new SecretKeySpec(key, HMAC_SHA256));
      return HexFormat.of().formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  private static void checkKey(byte[] key) {
    if (key == null || key.length == 0) {
      throw new IllegalArgumentException("key must hold at least one byte");
    }
  }

  /** K': the key hashed when longer than a block, then zero-padded to {@link #BLOCK_SIZE}. */
  private static byte[] paddedKey(byte[] key) {
    checkKey(key);
    byte[] shortKey = key.length > BLOCK_SIZE ? sha256(key) : key;
    byte[] padded = new byte[BLOCK_SIZE];
    System.arraycopy(shortKey, 0, padded, 0, shortKey.length);
    return padded;
  }

  private static byte[] xor(byte[] padded, byte pad) {
    byte[] out = new byte[padded.length];
    for (int i = 0; i < padded.length; i++) {
      out[i] = (byte) (padded[i] ^ pad);
    }
    return out;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
