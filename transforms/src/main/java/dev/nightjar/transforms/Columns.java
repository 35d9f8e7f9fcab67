package dev.nightjar.transforms;

/**
 * Column names shared by every table and stage, in one place.
 *
 * <pre>{@code
 * events.groupBy(Columns.USER_ID).count();
 * }</pre>
 */
public final class Columns {
  private Columns() {}

  // raw tables (values kept exactly as imported, all strings)
  public static final String RAW_ID = "raw_id";
  public static final String SOURCE = "source";
  public static final String SOURCE_FLAG = "source_flag";
  public static final String IMPORT_BATCH = "import_batch";
  public static final String IMPORTED_AT = "imported_at";
  public static final String EVENT_ID = "event_id";
  public static final String USER_ID = "user_id";
  public static final String ITEM_ID = "item_id";
  public static final String EVENT_TYPE = "event_type";
  public static final String TS = "ts";
  public static final String VALUE = "value";
  public static final String SESSION_ID = "session_id";
  public static final String ATTRIBUTES = "attributes";
  public static final String TITLE = "title";
  public static final String DESCRIPTION = "description";
  public static final String CATEGORY = "category";
  public static final String BRAND = "brand";
  public static final String PRICE = "price";
  public static final String AVAILABLE = "available";
  public static final String CREATED_AT = "created_at";

  // clean tables
  public static final String EVENT_KEY = "event_key";
  public static final String EVENT_TIME = "event_time";
  public static final String EVENT_DATE = "event_date";
  public static final String VALUE_NUM = "value_num";
  public static final String INGEST_DATE = "ingest_date";
  public static final String RUN_DATE = "run_date";

  // quarantine
  public static final String SOURCE_TABLE = "source_table";
  public static final String REASON = "reason";
  public static final String ORIGINAL = "original";

  // interactions
  public static final String WEIGHT = "weight";
  public static final String EVENTS = "events";
  public static final String PURCHASES = "purchases";
  public static final String LAST_EVENT_TIME = "last_event_time";

  // recommendations
  public static final String RANK = "rank";
  public static final String SCORE = "score";
  public static final String MODEL_VERSION = "model_version";
  public static final String REASON_TEXT = "reason";
  /** The seen item that contributed most to an item-item recommendation ("because you bought X"). */
  public static final String BECAUSE_ITEM_ID = "because_item_id";
  public static final String BECAUSE_ITEM_IDX = "because_item_idx";

  // item-item similarities
  public static final String SIMILAR_ITEM_ID = "similar_item_id";
  public static final String SIMILARITY = "similarity";
  public static final String CO_COUNT = "co_count";

  // id index (string id <-> int for ALS)
  public static final String ID = "id";
  public static final String IDX = "idx";
  public static final String USER_IDX = "user_idx";
  public static final String ITEM_IDX = "item_idx";
  public static final String FEATURES = "features";
}
