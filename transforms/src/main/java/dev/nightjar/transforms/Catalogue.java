package dev.nightjar.transforms;

import static org.apache.spark.sql.functions.*;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Builds the clean item catalogue ({@code items}) from every imported item version
 * ({@code raw_items}).
 *
 * <p>An item may have been imported several times (an edited title, one file per day): the current
 * version is the one with a title from the latest import batch, then the latest source file name,
 * then the highest {@code raw_id}. Older versions are "superseded" (counted, not quarantined); the
 * current version is accepted or quarantined with a reason.
 *
 * <pre>{@code
 * Dataset<Row> current = Catalogue.currentVersions(rawItems);
 * Dataset<Row> checked = Catalogue.validate(current);
 * Dataset<Row> items = Catalogue.accepted(checked);
 * }</pre>
 */
public final class Catalogue {
  private Catalogue() {}

  /** Table name written into {@code quarantine.source_table} for items. */
  public static final String SOURCE_TABLE = "raw_items";

  public static final String[] RAW_ITEM_VALUE_COLUMNS = {
    Columns.ITEM_ID, Columns.TITLE, Columns.DESCRIPTION, Columns.CATEGORY,
    Columns.BRAND, Columns.PRICE, Columns.AVAILABLE, Columns.CREATED_AT
  };

  private static void checkRaw(Dataset<Row> raw) {
    SchemaCheck.require(
        raw,
        "raw_items",
        SchemaCheck.columns(
            Columns.RAW_ID, DataTypes.StringType,
            Columns.SOURCE, DataTypes.StringType,
            Columns.SOURCE_FLAG, DataTypes.StringType,
            Columns.IMPORT_BATCH, DataTypes.LongType,
            Columns.ITEM_ID, DataTypes.StringType,
            Columns.TITLE, DataTypes.StringType,
            Columns.DESCRIPTION, DataTypes.StringType,
            Columns.CATEGORY, DataTypes.StringType,
            Columns.BRAND, DataTypes.StringType,
            Columns.PRICE, DataTypes.StringType,
            Columns.AVAILABLE, DataTypes.StringType,
            Columns.CREATED_AT, DataTypes.StringType));
  }

  /** One row per item id: its current version. Rows without an id are kept, one each, to be quarantined. */
  public static Dataset<Row> currentVersions(Dataset<Row> rawItems) {
    checkRaw(rawItems);
    Column id = Ingest.nullIfBlank(col(Columns.ITEM_ID));
    Column hasTitle = when(Ingest.nullIfBlank(col(Columns.TITLE)).isNotNull(), 1).otherwise(0);
    Column groupKey = coalesce(id, concat(lit("\u0000"), col(Columns.RAW_ID)));
    return rawItems
        .withColumn(
            "version_rank",
            row_number()
                .over(
                    Window.partitionBy(groupKey)
                        .orderBy(
                            hasTitle.desc(),
                            col(Columns.IMPORT_BATCH).desc(),
                            col(Columns.SOURCE).desc(),
                            col(Columns.RAW_ID).desc())))
        .where(col("version_rank").equalTo(1))
        .drop("version_rank");
  }

  /** Adds parsed columns and a {@code reason} (null when the item is accepted). */
  public static Dataset<Row> validate(Dataset<Row> current) {
    checkRaw(current);
    Column[] original = Arrays.stream(RAW_ITEM_VALUE_COLUMNS).map(c -> col(c)).toArray(Column[]::new);
    Column availableText = lower(Ingest.nullIfBlank(col(Columns.AVAILABLE)));
    Column available =
        when(availableText.isNull(), lit(true))
            .when(availableText.isin("true", "1", "yes", "y"), lit(true))
            .when(availableText.isin("false", "0", "no", "n"), lit(false));
    Column priceText = Ingest.nullIfBlank(col(Columns.PRICE));
    Column createdText = Ingest.nullIfBlank(col(Columns.CREATED_AT));
    Dataset<Row> parsed =
        current
            .withColumn(Columns.ORIGINAL, struct(original))
            .withColumn(Columns.ITEM_ID, Ingest.nullIfBlank(col(Columns.ITEM_ID)))
            .withColumn(Columns.TITLE, Ingest.nullIfBlank(col(Columns.TITLE)))
            .withColumn("price_num", Ingest.parseNumber(priceText))
            .withColumn("available_flag", available)
            .withColumn("created_date", to_date(Ingest.parseTimestamp(createdText)));
    Column reason =
        when(col(Columns.SOURCE_FLAG).isNotNull(), col(Columns.SOURCE_FLAG))
            .when(col(Columns.ITEM_ID).isNull(), lit(Reasons.MISSING_ITEM_ID))
            .when(col(Columns.TITLE).isNull(), lit(Reasons.MISSING_TITLE))
            .when(priceText.isNotNull().and(col("price_num").isNull().or(col("price_num").lt(0))), lit(Reasons.BAD_PRICE))
            .when(col("available_flag").isNull(), lit(Reasons.BAD_VALUE))
            .when(createdText.isNotNull().and(col("created_date").isNull()), lit(Reasons.BAD_TIMESTAMP))
            .otherwise(lit(null).cast(DataTypes.StringType));
    return parsed.withColumn(Columns.REASON, reason);
  }

  /** Accepted items in the layout of the {@code items} table. */
  public static Dataset<Row> accepted(Dataset<Row> validated) {
    return validated
        .where(col(Columns.REASON).isNull())
        .select(
            col(Columns.ITEM_ID),
            col(Columns.TITLE),
            Ingest.nullIfBlank(col(Columns.DESCRIPTION)).as(Columns.DESCRIPTION),
            Ingest.nullIfBlank(col(Columns.CATEGORY)).as(Columns.CATEGORY),
            Ingest.nullIfBlank(col(Columns.BRAND)).as(Columns.BRAND),
            col("price_num").as(Columns.PRICE),
            col("available_flag").as(Columns.AVAILABLE),
            col("created_date").as(Columns.CREATED_AT),
            col(Columns.RAW_ID),
            col(Columns.SOURCE));
  }

  /** Quarantined item versions in the layout of the {@code quarantine} table. */
  public static Dataset<Row> quarantined(Dataset<Row> validated, LocalDate runDate) {
    return validated
        .where(col(Columns.REASON).isNotNull())
        .select(
            lit(SOURCE_TABLE).as(Columns.SOURCE_TABLE),
            col(Columns.RAW_ID),
            col(Columns.SOURCE),
            col(Columns.REASON),
            to_json(col(Columns.ORIGINAL)).as(Columns.ORIGINAL),
            lit(Date.valueOf(runDate)).as(Columns.INGEST_DATE));
  }
}
