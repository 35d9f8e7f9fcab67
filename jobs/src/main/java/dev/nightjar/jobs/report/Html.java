package dev.nightjar.jobs.report;

import java.util.Base64;
import java.util.List;

/**
 * A small HTML writer for the run report: every piece of text goes through {@link #esc}, and
 * images are inlined as {@code data:} URIs, so the page needs nothing outside itself.
 *
 * <pre>{@code
 * Html h = new Html();
 * h.h2("Quarantine").table(List.of("reason", "rows"), rows).note("not computed yet: run `bin/nightjar ingest --date D`");
 * String page = h.page("Nightjar run report 2026-10-31");
 * }</pre>
 */
final class Html {
  private final StringBuilder body = new StringBuilder();

  /** Escapes text for HTML element content and attribute values. */
  static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  Html h2(String text) {
    body.append("<h2>").append(esc(text)).append("</h2>\n");
    return this;
  }

  Html p(String text) {
    body.append("<p>").append(esc(text)).append("</p>\n");
    return this;
  }

  /** A paragraph whose text between backticks is shown as code, e.g. {@code run `bin/nightjar evaluate`}. */
  Html note(String text) {
    StringBuilder b = new StringBuilder("<p class=\"note\">");
    String[] parts = text.split("`", -1);
    for (int i = 0; i < parts.length; i++) {
      b.append(i % 2 == 1 ? "<code>" + esc(parts[i]) + "</code>" : esc(parts[i]));
    }
    body.append(b).append("</p>\n");
    return this;
  }

  /** A PNG inlined as a base64 data URI, with its alternative text. */
  Html png(byte[] png, String alt) {
    body.append("<figure><img src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png))
        .append("\" alt=\"")
        .append(esc(alt))
        .append("\"><figcaption>")
        .append(esc(alt))
        .append("</figcaption></figure>\n");
    return this;
  }

  Html table(List<String> header, List<List<String>> rows) {
    body.append("<table>\n<tr>");
    for (String h : header) {
      body.append("<th>").append(esc(h)).append("</th>");
    }
    body.append("</tr>\n");
    for (List<String> row : rows) {
      body.append("<tr>");
      for (String cell : row) {
        body.append("<td>").append(esc(cell)).append("</td>");
      }
      body.append("</tr>\n");
    }
    body.append("</table>\n");
    return this;
  }

  /** The whole page: inline style only, no scripts, no external resources. */
  String page(String title) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + esc(title) + "</title>\n"
        + "<style>\n"
        + "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}\n"
        + "table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}\n"
        + "th{background:#f3f3f3}td{font-variant-numeric:tabular-nums}\n"
        + "img{max-width:100%}figure{margin:.5rem 0}figcaption{color:#555;font-size:.9rem}\n"
        + ".note{color:#8a5a00;background:#fff8e5;padding:.4rem .6rem;border-left:3px solid #e0a800}\n"
        + "</style>\n</head>\n<body>\n<h1>" + esc(title) + "</h1>\n"
        + body
        + "</body>\n</html>\n";
  }
}
