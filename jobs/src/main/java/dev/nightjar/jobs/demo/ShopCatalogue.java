package dev.nightjar.jobs.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The item catalogue of a {@link SyntheticShop}: writes {@code items.csv} and afterwards answers which
 * items shoppers look at. Within each category item popularity follows a Zipf law over a random order,
 * so every category has a few best sellers and a long tail. Cold-start items are in the file but never
 * returned by the samplers, so they get no events.
 */
final class ShopCatalogue {

  static final List<String> ITEM_COLUMNS =
      List.of("item_id", "title", "description", "category", "brand", "price", "available", "created_at");

  /** Zipf exponent of item popularity inside a category: weight of the item at rank r is 1 / r^s. */
  static final double ZIPF_EXPONENT = 1.0;
  static final double UNAVAILABLE_SHARE = 0.03;
  static final double COLOURED_TITLE_SHARE = 0.5;
  static final double TITLE_WITH_VARIANT_SHARE = 0.3;
  /** Items that are not cold-start were created up to this many days before the event window starts. */
  static final int MAX_ITEM_AGE_BEFORE_WINDOW_DAYS = 730;

  private final List<CategoryVocabulary> categories;
  private final String[] itemIds;
  private final int[] categoryOfItem;
  /** Per category, the items that may get events, most popular first. */
  private final int[][] itemsByPopularity;
  /** Per category, the running sum of the Zipf weights of {@link #itemsByPopularity}. */
  private final double[][] cumulativePopularity;
  /** Items {@code 0 .. eventItemCount - 1} may get events; the rest are cold-start items. */
  private final int eventItemCount;
  private final List<List<String>> searchQueries;

  private ShopCatalogue(List<CategoryVocabulary> categories, String[] itemIds, int[] categoryOfItem,
      int coldStartItems, SplittableRandom random) {
    this.categories = categories;
    this.itemIds = itemIds;
    this.categoryOfItem = categoryOfItem;
    this.eventItemCount = itemIds.length - coldStartItems;
    this.itemsByPopularity = new int[categories.size()][];
    this.cumulativePopularity = new double[categories.size()][];
    for (int category = 0; category < categories.size(); category++) {
      int[] ranked = eventItemsOf(category);
      shuffle(ranked, random);
      double[] cumulative = new double[ranked.length];
      double sum = 0;
      for (int rank = 0; rank < ranked.length; rank++) {
        sum += 1.0 / Math.pow(rank + 1, ZIPF_EXPONENT);
        cumulative[rank] = sum;
      }
      itemsByPopularity[category] = ranked;
      cumulativePopularity[category] = cumulative;
    }
    List<List<String>> queries = new ArrayList<>();
    for (CategoryVocabulary category : categories) {
      queries.add(category.searchQueries());
    }
    this.searchQueries = List.copyOf(queries);
  }

  /**
   * Invents the catalogue of {@code params} and writes it to {@code itemsFile}. Items are numbered in
   * creation order; the last {@code coldStartItems} are created on the last day and get no events.
   */
  static ShopCatalogue writeItems(Path itemsFile, SyntheticShop.Params params, SplittableRandom random)
      throws IOException {
    List<CategoryVocabulary> categories = CategoryVocabulary.ALL.subList(0, params.categories());
    String[] itemIds = new String[params.items()];
    int[] categoryOfItem = new int[params.items()];
    int firstColdStartItem = params.items() - params.coldStartItems();
    LocalDate windowStart = params.lastDay().minusDays(params.days() - 1L);
    StringBuilder text = new StringBuilder(128);
    try (Csv.RowWriter out = new Csv.RowWriter(itemsFile, ITEM_COLUMNS)) {
      for (int item = 0; item < params.items(); item++) {
        // the first items cover every category once, so each category has items that get events
        int category = item < categories.size() ? item : random.nextInt(categories.size());
        CategoryVocabulary words = categories.get(category);
        String noun = pick(words.nouns(), random);
        String attribute = pick(words.attributes(), random);
        String brand = pick(words.brands(), random);
        boolean coldStart = item >= firstColdStartItem;
        itemIds[item] = SyntheticShop.formatId('I', item + 1, params.items());
        categoryOfItem[item] = category;

        out.field(itemIds[item]);
        text.setLength(0);
        text.append(brand).append(' ');
        if (words.coloured() && random.nextDouble() < COLOURED_TITLE_SHARE) {
          text.append(pick(CategoryVocabulary.COLOURS, random)).append(' ');
        }
        text.append(attribute).append(' ').append(noun);
        if (random.nextDouble() < TITLE_WITH_VARIANT_SHARE) {
          text.append(", ").append(pick(words.variants(), random));
        }
        out.field(text);
        text.setLength(0);
        text.append(Character.toUpperCase(attribute.charAt(0))).append(attribute, 1, attribute.length())
            .append(' ').append(noun).append(" by ").append(brand).append(", ").append(words.purpose()).append('.');
        out.field(text);
        out.field(words.name());
        out.field(brand);
        long priceCents = priceCents(words, random);
        text.setLength(0);
        text.append(priceCents / 100).append('.');
        SyntheticShop.appendZeroPadded(text, priceCents % 100, 2);
        out.field(text);
        out.field(coldStart || random.nextDouble() >= UNAVAILABLE_SHARE ? "true" : "false");
        LocalDate createdAt = coldStart
            ? params.lastDay()
            : windowStart.minusDays(1L + random.nextInt(MAX_ITEM_AGE_BEFORE_WINDOW_DAYS));
        out.field(createdAt.toString());
        out.endRow();
      }
    }
    return new ShopCatalogue(categories, itemIds, categoryOfItem, params.coldStartItems(), random);
  }

  int categoryCount() {
    return categories.size();
  }

  String itemId(int item) {
    return itemIds[item];
  }

  /** An item of {@code category} drawn by popularity (Zipf); never a cold-start item. */
  int popularItemIn(int category, SplittableRandom random) {
    double[] cumulative = cumulativePopularity[category];
    double target = random.nextDouble() * cumulative[cumulative.length - 1];
    int low = 0;
    int high = cumulative.length - 1;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (cumulative[middle] <= target) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return itemsByPopularity[category][low];
  }

  /** Any item that may get events, uniformly (what a bot crawls); never a cold-start item. */
  int anyEventItem(SplittableRandom random) {
    return random.nextInt(eventItemCount);
  }

  /** An id that looks like an item id but is in no catalogue row. */
  String unknownItemId(SplittableRandom random) {
    return SyntheticShop.formatId('I', itemIds.length + 1 + random.nextInt(1000), itemIds.length);
  }

  /** A search query someone interested in {@code category} might type. */
  String searchQuery(int category, SplittableRandom random) {
    return pick(searchQueries.get(category), random);
  }

  private int[] eventItemsOf(int category) {
    int count = 0;
    for (int item = 0; item < eventItemCount; item++) {
      if (categoryOfItem[item] == category) {
        count++;
      }
    }
    int[] items = new int[count];
    int next = 0;
    for (int item = 0; item < eventItemCount; item++) {
      if (categoryOfItem[item] == category) {
        items[next++] = item;
      }
    }
    return items;
  }

  /** A price between the category's bounds, log-uniform (many cheap items, few dear), ending in .99. */
  private static long priceCents(CategoryVocabulary words, SplittableRandom random) {
    double logMin = Math.log(words.minPriceCents());
    double logMax = Math.log(words.maxPriceCents());
    long cents = (long) Math.exp(logMin + random.nextDouble() * (logMax - logMin));
    return cents / 100 * 100 + 99;
  }

  private static void shuffle(int[] values, SplittableRandom random) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = values[i];
      values[i] = values[j];
      values[j] = swap;
    }
  }

  private static <T> T pick(List<T> values, SplittableRandom random) {
    return values.get(random.nextInt(values.size()));
  }

}
