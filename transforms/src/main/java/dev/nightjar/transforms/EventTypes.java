package dev.nightjar.transforms;

import java.util.List;

/** The behaviour event types Nightjar understands; anything else is quarantined as {@code unknown_event_type}. */
public final class EventTypes {
  private EventTypes() {}

  public static final String VIEW = "view";
  public static final String CART = "cart";
  public static final String PURCHASE = "purchase";
  public static final String FAVORITE = "favorite";
  public static final String RATING = "rating";
  public static final String SEARCH = "search";
  public static final String REVIEW = "review";

  /** All known types, in funnel order. */
  public static final List<String> ALL = List.of(VIEW, CART, PURCHASE, FAVORITE, RATING, SEARCH, REVIEW);
}
