package dev.nightjar.transforms.eval;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The pure parts of evaluate and tune on tiny data: the split protocol, the two baselines and the paired gain. */
class OfflinePartsTest extends SparkTestBase {
  static final LocalDate END = LocalDate.of(2026, 10, 31);
  static final StructType EVENTS = new StructType()
      .add(Columns.USER_ID, DataTypes.StringType).add(Columns.ITEM_ID, DataTypes.StringType).add(Columns.EVENT_TIME, DataTypes.TimestampType);

  static Timestamp at(String instant) {
    return Timestamp.from(java.time.Instant.parse(instant));
  }

  static List<String> rows(Dataset<Row> df) {
    return df.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  @Test
  void theTemporalProtocolHoldsOutTheLastDaysAndTrainsForTheDayBefore() {
    SplitProtocol p = SplitProtocol.temporal(3);
    assertEquals(LocalDate.of(2026, 10, 28), p.trainEnd(END));
    assertEquals(Timestamp.valueOf("2026-10-29 00:00:00"), p.cutoff(END));
    assertEquals("temporal:3d", p.describe());
    Dataset<Row> events = spark().createDataFrame(List.of(
        RowFactory.create("u1", "a", Timestamp.valueOf("2026-10-28 23:59:59")),
        RowFactory.create("u1", "b", Timestamp.valueOf("2026-10-29 00:00:00")),
        RowFactory.create("u2", "c", Timestamp.valueOf("2026-10-31 12:00:00"))), EVENTS);
    Split s = p.split(events, END);
    assertEquals(List.of("[u1,a,2026-10-28 23:59:59.0]"), rows(s.train()));
    assertEquals(List.of("[u1,b,2026-10-29 00:00:00.0]", "[u2,c,2026-10-31 12:00:00.0]"), rows(s.test()));
  }

  @Test
  void theOtherProtocolsTrainForTheEndDateAndDescribeThemselves() {
    assertEquals(END, SplitProtocol.stratified(0.8, 42).trainEnd(END));
    assertEquals(END, SplitProtocol.lastN(1).trainEnd(END));
    assertEquals("stratified:0.8", SplitProtocol.stratified(0.8, 42).describe());
    assertEquals("last-n:2", SplitProtocol.lastN(2).describe());
    Dataset<Row> events = spark().createDataFrame(List.of(
        RowFactory.create("u1", "a", Timestamp.valueOf("2026-10-01 00:00:00")),
        RowFactory.create("u1", "b", Timestamp.valueOf("2026-10-02 00:00:00")),
        RowFactory.create("u1", "c", Timestamp.valueOf("2026-10-03 00:00:00"))), EVENTS);
    assertEquals(List.of("[u1,c,2026-10-03 00:00:00.0]"), rows(SplitProtocol.lastN(1).split(events, END).test()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SplitProtocol("random", 0, 0, 0, 0));
    assertTrue(e.getMessage().contains("temporal"), e.getMessage());
  }

  @Test
  void popularRanksAvailableItemsByTrainingUsersWithoutEachUsersSeenItems() {
    StructType seen = new StructType().add(Columns.USER_ID, DataTypes.StringType).add(Columns.ITEM_ID, DataTypes.StringType);
    Dataset<Row> train = spark().createDataFrame(List.of(
        RowFactory.create("u1", "a"), RowFactory.create("u1", "b"), RowFactory.create("u1", "a"),
        RowFactory.create("u2", "a"), RowFactory.create("u2", "c"),
        RowFactory.create("u3", "a"), RowFactory.create("u3", "b"),
        RowFactory.create("u4", "d")), seen);
    Dataset<Row> items = spark().createDataFrame(List.of(
        RowFactory.create("a", true), RowFactory.create("b", true), RowFactory.create("c", true), RowFactory.create("d", false)),
        new StructType().add(Columns.ITEM_ID, DataTypes.StringType).add(Columns.AVAILABLE, DataTypes.BooleanType));
    // Users per item: a 3, b 2, c 1, d 1 (unavailable, never offered); u1 counts once for a.
    assertEquals(List.of("[u1,c,1]", "[u2,b,1]", "[u3,c,1]", "[u4,a,1]", "[u4,b,2]"), rows(Baselines.popular(train, items, 2)));
  }

  @Test
  void itemKnnOffersTheItemsSimilarToAUsersItemsAndNoSeenOne() {
    StructType schema = new StructType().add(Columns.USER_ID, DataTypes.StringType).add(Columns.ITEM_ID, DataTypes.StringType)
        .add(Columns.WEIGHT, DataTypes.DoubleType).add(Columns.LAST_EVENT_TIME, DataTypes.TimestampType);
    Timestamp t = at("2026-10-30T10:00:00Z");
    Dataset<Row> interactions = spark().createDataFrame(List.of(
        RowFactory.create("u1", "a", 1.0, t), RowFactory.create("u1", "b", 1.0, t),
        RowFactory.create("u2", "a", 1.0, t), RowFactory.create("u2", "b", 1.0, t),
        RowFactory.create("u3", "a", 1.0, t), RowFactory.create("u4", "c", 1.0, t)), schema);
    // a and b share two users; c shares none: u3 gets b, u4 (only c) nothing, u1 and u2 have seen both.
    assertEquals(List.of("[u3,b,1]"), rows(Baselines.itemKnn(interactions, 5)));
  }

  @Test
  void thePairedGainIsTheMeanAndStandardErrorOfPerUserDifferencesWithAMissingUserCountingZero() {
    StructType schema = new StructType().add(Columns.USER_ID, "string").add(EvalColumns.VALUE, "double");
    var a = spark().createDataFrame(List.of(RowFactory.create("u1", 0.5), RowFactory.create("u2", 1.0), RowFactory.create("u3", 0.25)), schema);
    var b = spark().createDataFrame(List.of(RowFactory.create("u1", 0.25), RowFactory.create("u2", 1.0), RowFactory.create("u4", 0.5)), schema);
    // Differences a − b: u1 0.25, u2 0, u3 0.25 (missing in b), u4 −0.5 (missing in a).
    double[] d = {0.25, 0, 0.25, -0.5};
    double mean = 0;
    for (double x : d) {
      mean += x / d.length;
    }
    double ss = 0;
    for (double x : d) {
      ss += (x - mean) * (x - mean);
    }
    PairedGain g = PairedGain.of(a, b);
    assertEquals(4, g.users());
    assertEquals(mean, g.mean(), 1e-12);
    assertEquals(Math.sqrt(ss / 3) / 2, g.standardError(), 1e-12);
    assertEquals(-mean, PairedGain.of(b, a).mean(), 1e-12);
    PairedGain one = PairedGain.of(a.limit(1), a.limit(1));
    assertEquals(Double.POSITIVE_INFINITY, one.standardError(), "one user is no evidence");
  }
}
