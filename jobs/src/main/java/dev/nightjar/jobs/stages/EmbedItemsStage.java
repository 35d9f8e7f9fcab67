package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.config.EmbeddingSettings;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.models.text.EmbeddingParams;
import dev.nightjar.models.text.ItemTextEmbedder;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.ItemText;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds item text with the sentence encoder, incrementally: an item is (re-)embedded only when
 * its {@code content_hash} (text, model version and max length) differs from the stored one, so an
 * unchanged catalogue embeds nothing and a model change re-embeds everything. Upserts
 * {@code item_embeddings (item_id, content_hash, model_version, text, vector, embedded_on)}.
 */
public final class EmbedItemsStage {
  private static final Logger LOG = LoggerFactory.getLogger(EmbedItemsStage.class);
  public static final String NAME = "embed-items";
  public static final String TEXT = "text";
  public static final String CONTENT_HASH = "content_hash";
  public static final String VECTOR = "vector";

  private EmbedItemsStage() {}

  /** The version tag stored beside each vector: the model and the settings that change its output. */
  static String modelVersion(EmbeddingParams p) {
    return EmbeddingParams.MODEL_VERSION + "/max" + p.maxLength();
  }

  public static RunReport run(StageContext ctx, LocalDate date) {
    Lakehouse lake = ctx.lake();
    RunReport report = RunReport.of(NAME, date);
    EmbeddingSettings settings = ctx.config().embedding();
    String version = modelVersion(settings.encoder());

    long itemsVersion = lake.version(Tables.ITEMS);
    report.inputVersion(Tables.ITEMS, itemsVersion);
    Dataset<Row> items =
        ItemText.render(lake.readAt(Tables.ITEMS, itemsVersion), settings.template(), TEXT)
            .select(col(Columns.ITEM_ID), col(TEXT))
            .withColumn(Columns.MODEL_VERSION, lit(version))
            .withColumn(CONTENT_HASH, sha2(concat_ws("\u0001", col(TEXT), col(Columns.MODEL_VERSION)), 256));

    Dataset<Row> stale = items;
    if (lake.exists(Tables.ITEM_EMBEDDINGS)) {
      long v = lake.version(Tables.ITEM_EMBEDDINGS);
      report.inputVersion(Tables.ITEM_EMBEDDINGS, v);
      Dataset<Row> stored = lake.readAt(Tables.ITEM_EMBEDDINGS, v).select(Columns.ITEM_ID, CONTENT_HASH);
      stale = items.join(stored, new String[] {Columns.ITEM_ID, CONTENT_HASH}, "left_anti");
    }
    long itemCount = items.count();
    long toEmbed = stale.count();
    LOG.info("embed-items {}: {} items, {} new or changed to embed with {}", date, itemCount, toEmbed, version);
    if (toEmbed > 0) {
      int partitions = (int) Math.max(1, Math.min(ctx.spark().sparkContext().defaultParallelism(), (toEmbed + 255) / 256));
      Dataset<Row> vectors =
          ItemTextEmbedder.embed(stale.repartition(partitions, col(Columns.ITEM_ID)), Columns.ITEM_ID, TEXT, settings.encoder());
      Dataset<Row> rows =
          stale.join(vectors, Columns.ITEM_ID)
              .select(
                  col(Columns.ITEM_ID), col(CONTENT_HASH), col(Columns.MODEL_VERSION), col(TEXT),
                  col(ItemTextEmbedder.VECTOR_COL).as(VECTOR), lit(java.sql.Date.valueOf(date)).as("embedded_on"));
      lake.upsert(Tables.ITEM_EMBEDDINGS, rows, List.of(Columns.ITEM_ID));
    }
    return report.rowsIn(itemCount).accepted(itemCount).detail("embedded", toEmbed).detail("unchanged", itemCount - toEmbed)
        .detail(Columns.MODEL_VERSION, version).write(lake);
  }
}
