package dev.nightjar.transforms;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The text an item is embedded from, built from a template over its columns with built-in
 * functions: {@code "{title}. {category}. {brand}. {description}"} fills each {@code {column}} and
 * drops the separators around empty fields.
 *
 * <pre>{@code
 * Dataset<Row> withText = ItemText.render(items, ItemText.DEFAULT_TEMPLATE, "text");
 * }</pre>
 */
public final class ItemText {
  public static final String DEFAULT_TEMPLATE = "{title}. {category}. {brand}. {description}";
  public static final List<String> FIELDS =
      List.of(Columns.TITLE, Columns.CATEGORY, Columns.BRAND, Columns.DESCRIPTION);
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

  private ItemText() {}

  /** Checks a template: at least one placeholder, and only {@link #FIELDS}. */
  public static void validate(String template) {
    Matcher m = PLACEHOLDER.matcher(template);
    boolean any = false;
    while (m.find()) {
      any = true;
      if (!FIELDS.contains(m.group(1))) {
        throw new IllegalArgumentException(
            "item text template uses {" + m.group(1) + "}; allowed placeholders: " + FIELDS);
      }
    }
    if (!any) {
      throw new IllegalArgumentException("item text template '" + template + "' has no placeholder; use e.g. " + DEFAULT_TEMPLATE);
    }
  }

  /** Adds {@code textCol} rendered from {@code template}. */
  public static Dataset<Row> render(Dataset<Row> items, String template, String textCol) {
    validate(template);
    List<Column> parts = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(template);
    int last = 0;
    while (m.find()) {
      parts.add(lit(template.substring(last, m.start())));
      parts.add(coalesce(trim(col(m.group(1)).cast("string")), lit("")));
      last = m.end();
    }
    parts.add(lit(template.substring(last)));
    // Collapse the separators left by empty fields ("a. . b." -> "a. b.") and trim them at the ends.
    Column raw = concat(parts.toArray(new Column[0]));
    Column collapsed = regexp_replace(raw, "([.,;:|/-]\\s*){2,}", "$1");
    Column trimmed = regexp_replace(collapsed, "^[\\s.,;:|/-]+|[\\s.,;:|/-]+$", "");
    return items.withColumn(textCol, trimmed);
  }
}
