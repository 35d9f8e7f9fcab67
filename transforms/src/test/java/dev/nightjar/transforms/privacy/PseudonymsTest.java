package dev.nightjar.transforms.privacy;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.execution.ExtendedMode$;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PseudonymsTest extends SparkTestBase {
  private static final StructType IDS = new StructType().add("id", DataTypes.StringType);

  /** RFC 4231 test cases 1, 2 and 6 (key longer than a block): key, message, HMAC-SHA256. */
  private static final Object[][] RFC_4231 = {
    {
      repeat((byte) 0x0b, 20),
      "Hi There",
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    },
    {
      "Jefe".getBytes(StandardCharsets.UTF_8),
      "what do ya want for nothing?",
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    },
    {
      repeat((byte) 0xaa, 131),
      "Test Using Larger Than Block-Size Key - Hash Key First",
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    },
  };

  @Test
  void rfc4231VectorsPassInJavaAndInSpark() {
    for (Object[] vector : RFC_4231) {
      byte[] key = (byte[]) vector[0];
      String message = (String) vector[1];
      String expected = (String) vector[2];
      assertEquals(expected, Pseudonyms.hmacSha256Hex(message, key), message);
      assertEquals(List.of(expected), sparkPseudonyms(List.of(message), key), message);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 32, 64, 65, 200})
  void sparkColumnEqualsJavaCryptoForRandomIds(int keyLength) {
    Random random = new Random(1000L + keyLength);
    byte[] key = new byte[keyLength];
    random.nextBytes(key);
    List<String> ids = new ArrayList<>(List.of("", "user-1", "ü", "日本語のユーザー", "😀 emoji", "a\u0000b"));
    for (int i = 0; i < 300; i++) {
      ids.add(randomString(random));
    }
    List<String> expected = ids.stream().map(id -> Pseudonyms.hmacSha256Hex(id, key)).toList();
    assertEquals(expected, sparkPseudonyms(ids, key));
    assertTrue(expected.stream().allMatch(h -> h.matches("[0-9a-f]{64}")), "lowercase hex, 64 chars");
  }

  @Test
  void nullIdGivesNull() {
    Dataset<Row> df = spark().createDataFrame(List.of(RowFactory.create((Object) null)), IDS);
    Row row = df.select(Pseudonyms.hmacSha256(col("id"), new byte[] {1, 2, 3})).first();
    assertNull(row.get(0));
  }

  @Test
  void nonStringIdsAreHashedAsTheirStringForm() {
    Dataset<Row> df = spark().range(42, 43).toDF("id");
    byte[] key = "k".getBytes(StandardCharsets.UTF_8);
    String got = df.select(Pseudonyms.hmacSha256(col("id"), key)).as(Encoders.STRING()).first();
    assertEquals(Pseudonyms.hmacSha256Hex("42", key), got);
  }

  @Test
  void differentKeysGiveDifferentPseudonyms() {
    assertFalse(
        Pseudonyms.hmacSha256Hex("user-1", new byte[] {1})
            .equals(Pseudonyms.hmacSha256Hex("user-1", new byte[] {2})));
  }

  @Test
  void emptyOrMissingKeyIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Pseudonyms.hmacSha256Hex("x", new byte[0]));
    assertTrue(e.getMessage().contains("key"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Pseudonyms.hmacSha256(col("id"), null));
  }

  @Test
  void redactionRegexHidesThePaddedKeysInExplainOutput() {
    byte[] key = repeat((byte) 0x42, 32);
    Dataset<Row> df =
        spark()
            .createDataFrame(List.of(RowFactory.create("u")), IDS)
            .select(Pseudonyms.hmacSha256(col("id"), key).as("p"));
    String ipadKeyHex = "7474747474747474"; // 0x42 ^ 0x36, as the literal prints it (case ignored)
    String plain = df.queryExecution().explainString(ExtendedMode$.MODULE$);
    assertTrue(plain.toLowerCase().contains(ipadKeyHex), "without redaction the key is in the plan");
    String redacted =
        withSQLConf(
            Map.of("spark.sql.redaction.string.regex", Pseudonyms.REDACTION_REGEX),
            () ->
                df.queryExecution()
                    .explainString(ExtendedMode$.MODULE$));
    assertFalse(redacted.toLowerCase().contains(ipadKeyHex), redacted);
  }

  private static List<String> sparkPseudonyms(List<String> ids, byte[] key) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      rows.add(RowFactory.create(i, ids.get(i)));
    }
    StructType schema = new StructType().add("i", DataTypes.IntegerType).add("id", DataTypes.StringType);
    return spark()
        .createDataFrame(rows, schema)
        .orderBy("i")
        .select(Pseudonyms.hmacSha256(col("id"), key))
        .as(Encoders.STRING())
        .collectAsList();
  }

  private static String randomString(Random random) {
    int length = random.nextInt(40);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(4);
      int codePoint =
          switch (kind) {
            case 0 -> 'a' + random.nextInt(26);
            case 1 -> 0x00C0 + random.nextInt(0x0180); // Latin-1 supplement / extended
            case 2 -> 0x4E00 + random.nextInt(0x5000); // CJK
            default -> 0x1F300 + random.nextInt(0x0300); // emoji, outside the BMP
          };
      sb.appendCodePoint(codePoint);
    }
    return sb.toString();
  }

  private static byte[] repeat(byte b, int n) {
    byte[] out = new byte[n];
    Arrays.fill(out, b);
    return out;
  }
}
