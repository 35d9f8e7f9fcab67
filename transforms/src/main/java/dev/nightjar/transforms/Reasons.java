package dev.nightjar.transforms;

/**
 * Reason codes written to {@code quarantine}. Importers may also flag rows they know are bad (for
 * example Online Retail's {@code cancellation}); those flags are used as the reason as they are.
 */
public final class Reasons {
  private Reasons() {}

  public static final String MISSING_USER_ID = "missing_user_id";
  public static final String MISSING_ITEM_ID = "missing_item_id";
  public static final String MISSING_EVENT_TYPE = "missing_event_type";
  public static final String UNKNOWN_EVENT_TYPE = "unknown_event_type";
  public static final String BAD_TIMESTAMP = "bad_timestamp";
  public static final String FUTURE_TIMESTAMP = "future_timestamp";
  public static final String TOO_OLD = "too_old";
  public static final String BAD_VALUE = "bad_value";
  public static final String NON_POSITIVE_QUANTITY = "non_positive_quantity";
  public static final String UNKNOWN_ITEM_ID = "unknown_item_id";
  public static final String DUPLICATE = "duplicate";
  public static final String MISSING_TITLE = "missing_title";
  public static final String BAD_PRICE = "bad_price";
}
