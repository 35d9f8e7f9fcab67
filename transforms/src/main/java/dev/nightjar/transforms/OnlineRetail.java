package dev.nightjar.transforms;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Maps the UCI Online Retail daily files ({@code InvoiceNo,StockCode,Description,Quantity,
 * InvoiceDate,UnitPrice,CustomerID,Country}, all read as strings, plus {@code source}) to Nightjar's
 * raw tables. Nothing is dropped here; the dirt is flagged so that {@code ingest} quarantines it:
 *
 * <ul>
 *   <li>every line is a {@code purchase} of {@code Quantity} units, session = invoice;
 *   <li>{@code CustomerID} {@code 17850.0} becomes user {@code 17850}; guest rows (no customer)
 *       are quarantined by ingest as {@code missing_user_id};
 *   <li>cancellations (invoice starting with {@code C}) are flagged {@code cancellation};
 *   <li>stock codes that are not products ({@code POST}, {@code M}, {@code DOT}, {@code BANK
 *       CHARGES}, {@code gift_…}, …; products are five digits plus an optional letter suffix, or
 *       {@code DCGS…}) are flagged {@code non_product_code};
 *   <li>lines with a price of 0 or less (adjustments, samples) are flagged {@code non_positive_price};
 *   <li>other non-positive quantities are quarantined by ingest as {@code non_positive_quantity}.
 * </ul>
 *
 * <p>Items: one raw item version per (file, stock code, description) among clean-looking product
 * lines (product code, price &gt; 0, a description). A stock code that never has one gets no item,
 * and its events are quarantined as {@code unknown_item_id}.
 *
 * <pre>{@code
 * Dataset<Row> lines = spark.read().option("header", true).csv(dir + "/*.csv.gz")
 *     .withColumn("source", element_at(split(input_file_name(), "/"), -1));
 * Dataset<Row> rawEvents = OnlineRetail.toRawEvents(lines);
 * Dataset<Row> rawItems = OnlineRetail.toRawItems(lines);
 * }</pre>
 */
public final class OnlineRetail {
  private OnlineRetail() {}

  public static final String CANCELLATION = "cancellation";
  public static final String NON_PRODUCT_CODE = "non_product_code";
  public static final String NON_POSITIVE_PRICE = "non_positive_price";
  /** Stock codes of real products. */
  public static final String PRODUCT_CODE_PATTERN = "^([0-9]{5}[A-Za-z]{0,2}|DCGS[0-9A-Za-z]+)$";

  public static final String[] SOURCE_COLUMNS = {
    "InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"
  };

  private static void check(Dataset<Row> lines) {
    Object[] pairs = new Object[SOURCE_COLUMNS.length * 2 + 2];
    for (int i = 0; i < SOURCE_COLUMNS.length; i++) {
      pairs[2 * i] = SOURCE_COLUMNS[i];
      pairs[2 * i + 1] = DataTypes.StringType;
    }
    pairs[pairs.length - 2] = Columns.SOURCE;
    pairs[pairs.length - 1] = DataTypes.StringType;
    SchemaCheck.require(lines, "Online Retail file", SchemaCheck.columns(pairs));
  }

  private static Column isProduct() {
    return coalesce(trim(col("StockCode")).rlike(PRODUCT_CODE_PATTERN), lit(false));
  }

  private static Column price() {
    return trim(col("UnitPrice")).try_cast("double");
  }

  /** Raw events (without {@code raw_id}), one per line. */
  public static Dataset<Row> toRawEvents(Dataset<Row> lines) {
    check(lines);
    Column flag =
        when(trim(col("InvoiceNo")).startsWith("C"), lit(CANCELLATION))
            .when(not(isProduct()), lit(NON_PRODUCT_CODE))
            .when(price().leq(0), lit(NON_POSITIVE_PRICE))
            .otherwise(lit(null).cast(DataTypes.StringType));
    return lines.select(
        col(Columns.SOURCE),
        flag.as(Columns.SOURCE_FLAG),
        lit(null).cast(DataTypes.StringType).as(Columns.EVENT_ID),
        regexp_replace(trim(col("CustomerID")), "\\.0$", "").as(Columns.USER_ID),
        trim(col("StockCode")).as(Columns.ITEM_ID),
        lit(EventTypes.PURCHASE).as(Columns.EVENT_TYPE),
        col("InvoiceDate").as(Columns.TS),
        col("Quantity").as(Columns.VALUE),
        col("InvoiceNo").as(Columns.SESSION_ID),
        to_json(struct(col("UnitPrice"), col("Country"), col("Description"))).as(Columns.ATTRIBUTES));
  }

  /** Raw item versions (without {@code raw_id}): one per (file, stock code, description) of product lines. */
  public static Dataset<Row> toRawItems(Dataset<Row> lines) {
    check(lines);
    Column description = trim(col("Description"));
    return lines
        .where(
            isProduct()
                .and(not(coalesce(trim(col("InvoiceNo")).startsWith("C"), lit(false))))
                .and(price().gt(0))
                .and(description.isNotNull())
                .and(description.notEqual("")))
        .groupBy(col(Columns.SOURCE), trim(col("StockCode")).as(Columns.ITEM_ID), description.as(Columns.TITLE))
        .agg(max(price()).as("max_price"))
        .select(
            col(Columns.SOURCE),
            lit(null).cast(DataTypes.StringType).as(Columns.SOURCE_FLAG),
            col(Columns.ITEM_ID),
            col(Columns.TITLE),
            lit(null).cast(DataTypes.StringType).as(Columns.DESCRIPTION),
            lit(null).cast(DataTypes.StringType).as(Columns.CATEGORY),
            lit(null).cast(DataTypes.StringType).as(Columns.BRAND),
            col("max_price").cast(DataTypes.StringType).as(Columns.PRICE),
            lit(null).cast(DataTypes.StringType).as(Columns.AVAILABLE),
            lit(null).cast(DataTypes.StringType).as(Columns.CREATED_AT));
  }
}
