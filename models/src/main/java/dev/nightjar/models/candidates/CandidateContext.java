package dev.nightjar.models.candidates;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What every {@link CandidateSource} of one pool sees: the inputs and params, and the rules computed once for all
 * sources. A source that keeps something alive (a broadcast model) hands it to {@link #closeWithPool}; a source
 * with something worth reporting records it with {@link #detail}.
 *
 * <pre>{@code
 * Dataset<Row> mine = c.inputs().interactions().join(c.eligible().select("item_id"), "item_id")
 *     .join(c.excluded(), new String[] {"user_id", "item_id"}, "left_anti");
 * }</pre>
 */
public final class CandidateContext {
  private final CandidateInputs inputs;
  private final CandidateParams params;
  private final Dataset<Row> eligible;
  private final Dataset<Row> excluded;
  private final Dataset<Row> excludedIndexes;
  private final Dataset<Row> due;
  private final Dataset<Row> users;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private Dataset<Row> trendingItems;
  private final Map<String, Object> details = new LinkedHashMap<>();

  CandidateContext(CandidateInputs inputs, CandidateParams params, Dataset<Row> eligible, Dataset<Row> excluded,
      Dataset<Row> excludedIndexes, Dataset<Row> due, Dataset<Row> users) {
    this.inputs = inputs;
    this.params = params;
    this.eligible = eligible;
    this.excluded = excluded;
    this.excludedIndexes = excludedIndexes;
    this.due = due;
    this.users = users;
  }

  public CandidateInputs inputs() {
    return inputs;
  }

  public CandidateParams params() {
    return params;
  }

  /** {@code item_id, title, category} of the items that may be recommended at all (available, not blocklisted). */
  public Dataset<Row> eligible() {
    return eligible;
  }

  /** {@code user_id, item_id}: items never to recommend to that user (purchased and not due; with excludeSeen, every seen item). */
  public Dataset<Row> excluded() {
    return excluded;
  }

  /** {@link #excluded} as indexes for the blockwise scorer: {@code user INT, item INT}. */
  public Dataset<Row> excludedIndexes() {
    return excludedIndexes;
  }

  /** The purchases due for reorder (as {@code transforms.Repurchase.due}). */
  public Dataset<Row> due() {
    return due;
  }

  /** {@code user_id} of the users the pool serves: every user with an event up to D. */
  public Dataset<Row> users() {
    return users;
  }

  /**
   * The trending items ({@code item_id, score}: the released popularity of the last days, overall and per category),
   * computed once for the sources that offer them (trending, fallback) and kept until the pool is closed.
   */
  public synchronized Dataset<Row> trendingItems() {
    if (trendingItems == null) {
      Dataset<Row> items = TrendingCandidates.items(this).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
      trendingItems = items;
      closeWithPool(items::unpersist);
    }
    return trendingItems;
  }

  /** Closes {@code resource} when the pool is closed (after the lists that need it were computed). */
  public void closeWithPool(AutoCloseable resource) {
    resources.add(resource);
  }

  /** Records a detail the pool reports ({@link CandidatePool#details}). */
  public void detail(String key, Object value) {
    details.put(key, value);
  }

  Map<String, Object> details() {
    return details;
  }

  List<AutoCloseable> resources() {
    return resources;
  }
}
