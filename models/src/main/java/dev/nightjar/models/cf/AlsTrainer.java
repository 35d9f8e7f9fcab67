package dev.nightjar.models.cf;

import static org.apache.spark.sql.functions.col;

import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.SchemaCheck;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains implicit ALS on indexed interactions ({@code user_idx INT, item_idx INT, weight DOUBLE}).
 * The input is sorted first so that, with the fixed seed, a rerun on the same rows gives the same
 * factors.
 *
 * <pre>{@code
 * ALSModel model = AlsTrainer.train(indexedInteractions, AlsParams.defaults());
 * Dataset<Row> userFactors = model.userFactors(); // id INT, features ARRAY<FLOAT>
 * }</pre>
 */
public final class AlsTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(AlsTrainer.class);

  private AlsTrainer() {}

  public static ALSModel train(Dataset<Row> indexedInteractions, AlsParams p) {
    SchemaCheck.require(
        indexedInteractions,
        "indexed interactions",
        SchemaCheck.columns(
            Columns.USER_IDX, DataTypes.IntegerType,
            Columns.ITEM_IDX, DataTypes.IntegerType,
            Columns.WEIGHT, DataTypes.DoubleType));
    int blocks =
        p.numBlocks() > 0 ? p.numBlocks() : indexedInteractions.sparkSession().sparkContext().defaultParallelism();
    Dataset<Row> ordered =
        indexedInteractions
            .select(Columns.USER_IDX, Columns.ITEM_IDX, Columns.WEIGHT)
            .repartition(blocks, col(Columns.USER_IDX))
            .sortWithinPartitions(Columns.USER_IDX, Columns.ITEM_IDX);
    LOG.info("Training implicit ALS: {} (blocks {})", p.versionTag(), blocks);
    ALS als =
        new ALS()
            .setImplicitPrefs(true)
            .setRank(p.rank())
            .setRegParam(p.regParam())
            .setAlpha(p.alpha())
            .setMaxIter(p.maxIter())
            .setSeed(p.seed())
            .setNumUserBlocks(blocks)
            .setNumItemBlocks(blocks)
            .setUserCol(Columns.USER_IDX)
            .setItemCol(Columns.ITEM_IDX)
            .setRatingCol(Columns.WEIGHT)
            .setColdStartStrategy("drop");
    return als.fit(ordered);
  }
}
