package dev.nightjar.transforms.privacy;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nightjar.transforms.SchemaCheck.SchemaMismatchException;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class KAnonymityTest extends SparkTestBase {
  private static final StructType OUTPUT =
      new StructType()
          .add("segment", DataTypes.StringType)
          .add("rank", DataTypes.IntegerType)
          .add("item_id", DataTypes.StringType);
  private static final StructType MEMBERSHIP =
      new StructType().add("segment", DataTypes.StringType).add("user_id", DataTypes.StringType);

  /** k = 3. Segments: a = 2 users (k − 1), b = exactly 3, c = 2 users in 5 rows, d = no members. */
  private static Dataset<Row> output() {
    return rows(
        OUTPUT,
        RowFactory.create("a", 1, "i1"),
        RowFactory.create("b", 1, "i2"),
        RowFactory.create("b", 2, "i3"),
        RowFactory.create("c", 1, "i4"),
        RowFactory.create("d", 1, "i5"));
  }

  private static Dataset<Row> membership() {
    return rows(
        MEMBERSHIP,
        RowFactory.create("a", "u1"),
        RowFactory.create("a", "u2"),
        RowFactory.create("b", "u1"),
        RowFactory.create("b", "u2"),
        RowFactory.create("b", "u3"),
        RowFactory.create("c", "u1"),
        RowFactory.create("c", "u1"),
        RowFactory.create("c", "u1"),
        RowFactory.create("c", "u2"),
        RowFactory.create("c", null),
        RowFactory.create("e", "u1"),
        RowFactory.create("e", "u2"),
        RowFactory.create("e", "u3"));
  }

  @Test
  void groupsBelowKAreSuppressedAndDuplicateRowsOfOneUserCountOnce() {
    KAnonymity.Result r = KAnonymity.suppressSmallGroups(output(), membership(), 3, "segment");
    assertEquals(List.of("[b,1,i2]", "[b,2,i3]"), sortedRows(r.kept()));
    assertEquals(List.of("segment", "rank", "item_id"), Arrays.asList(r.kept().columns()));
    assertEquals(List.of("[a,2]", "[c,2]", "[d,0]"), sortedRows(r.suppressedGroups()));
    assertEquals(List.of("segment", KAnonymity.DISTINCT_USERS), Arrays.asList(r.suppressedGroups().columns()));
    assertEquals(3, r.suppressedGroupCount());
  }

  @Test
  void kOfOneKeepsEveryGroupWithAUserAndHigherKSuppressesMore() {
    KAnonymity.Result one = KAnonymity.suppressSmallGroups(output(), membership(), 1, "segment");
    assertEquals(List.of("[d,0]"), sortedRows(one.suppressedGroups()));
    KAnonymity.Result four = KAnonymity.suppressSmallGroups(output(), membership(), 4, "segment");
    assertEquals(List.of(), sortedRows(four.kept()));
    assertEquals(4, four.suppressedGroupCount());
  }

  @Test
  void severalGroupColumnsAndNullKeysAreMatchedNullSafely() {
    StructType out =
        new StructType()
            .add("category", DataTypes.StringType)
            .add("bucket", DataTypes.IntegerType)
            .add("score", DataTypes.DoubleType);
    StructType members =
        new StructType()
            .add("category", DataTypes.StringType)
            .add("bucket", DataTypes.IntegerType)
            .add("user_id", DataTypes.StringType);
    Dataset<Row> output =
        rows(
            out,
            RowFactory.create("shoes", 1, 0.5),
            RowFactory.create("shoes", 2, 0.7),
            RowFactory.create(null, 1, 0.9));
    Dataset<Row> membership =
        rows(
            members,
            RowFactory.create("shoes", 1, "u1"),
            RowFactory.create("shoes", 1, "u2"),
            RowFactory.create("shoes", 2, "u1"),
            RowFactory.create(null, 1, "u1"),
            RowFactory.create(null, 1, "u3"));
    KAnonymity.Result r = KAnonymity.suppressSmallGroups(output, membership, 2, "category", "bucket");
    assertEquals(List.of("[null,1,0.9]", "[shoes,1,0.5]"), sortedRows(r.kept()));
    assertEquals(List.of("[shoes,2,1]"), sortedRows(r.suppressedGroups()));
  }

  @Test
  void outputDerivedFromTheMembershipItselfWorks() {
    Dataset<Row> members = membership();
    Dataset<Row> rowsPerSegment = members.groupBy("segment").count();
    KAnonymity.Result r = KAnonymity.suppressSmallGroups(rowsPerSegment, members, 3, "segment");
    assertEquals(List.of("[b,3]", "[e,3]"), sortedRows(r.kept()));
    assertEquals(List.of("[a,2]", "[c,2]"), sortedRows(r.suppressedGroups()));
  }

  @Test
  void badInputsFailNamingTheParameterOrColumn() {
    IllegalArgumentException k =
        assertThrows(
            IllegalArgumentException.class,
            () -> KAnonymity.suppressSmallGroups(output(), membership(), 0, "segment"));
    assertTrue(k.getMessage().startsWith("k must be >= 1"), k.getMessage());
    IllegalArgumentException noGroups =
        assertThrows(
            IllegalArgumentException.class, () -> KAnonymity.suppressSmallGroups(output(), membership(), 3));
    assertTrue(noGroups.getMessage().contains("groupCols"), noGroups.getMessage());
    SchemaMismatchException missing =
        assertThrows(
            SchemaMismatchException.class,
            () -> KAnonymity.suppressSmallGroups(output(), membership(), 3, "category"));
    assertTrue(missing.getMessage().contains("'category'"), missing.getMessage());
    SchemaMismatchException noUser =
        assertThrows(
            SchemaMismatchException.class,
            () -> KAnonymity.suppressSmallGroups(output(), membership().drop("user_id"), 3, "segment"));
    assertTrue(noUser.getMessage().contains("'user_id'"), noUser.getMessage());
    SchemaMismatchException mistyped =
        assertThrows(
            SchemaMismatchException.class,
            () ->
                KAnonymity.suppressSmallGroups(
                    output(),
                    membership().withColumn("segment", col("segment").cast("binary")),
                    3,
                    "segment"));
    assertTrue(mistyped.getMessage().contains("'segment' has type binary"), mistyped.getMessage());
  }

  private static Dataset<Row> rows(StructType schema, Row... rows) {
    return spark().createDataFrame(List.of(rows), schema);
  }
}
