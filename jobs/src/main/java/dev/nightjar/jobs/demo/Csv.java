package dev.nightjar.jobs.demo;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** RFC 4180 CSV, as far as {@link SyntheticShop} needs it: comma separated, {@code \n} line ends, no newlines in fields. */
final class Csv {

  private static final int WRITE_BUFFER_CHARS = 1 << 16;

  private Csv() {}

  /** Splits one line into its fields, removing the quotes around quoted fields and undoubling {@code ""}. */
  static List<String> parseLine(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean inQuotes = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (inQuotes) {
        if (c != '"') {
          field.append(c);
        } else if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else {
          inQuotes = false;
        }
      } else if (c == '"') {
        inQuotes = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields;
  }

  /**
   * Writes a CSV file row by row through one reusable buffer: no objects are created per row.
   * Call {@code field(...)} for each field of a row, then {@link #endRow()}.
   */
  static final class RowWriter implements Closeable {
    private final Writer out;
    private final StringBuilder row = new StringBuilder(256);
    private char[] rowChars = new char[256];
    private int rowLength;
    private int fieldsInRow;
    private long rows;

    RowWriter(Path file, List<String> header) throws IOException {
      out = new BufferedWriter(
          new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), WRITE_BUFFER_CHARS);
      for (String column : header) {
        field(column);
      }
      endRow();
      rows = 0;
    }

    /** Appends a text field, quoted when it holds a comma or a quote; {@code null} writes an empty field. */
    RowWriter field(CharSequence value) {
      separate();
      if (value != null) {
        if (needsQuotes(value)) {
          row.append('"');
          for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
              row.append('"');
            }
            row.append(c);
          }
          row.append('"');
        } else {
          row.append(value);
        }
      }
      return this;
    }

    /** Appends a whole number. */
    RowWriter field(long value) {
      separate();
      row.append(value);
      return this;
    }

    /** Ends the row and writes it; it stays available to {@link #repeatLastRow()}. */
    void endRow() throws IOException {
      row.append('\n');
      rowLength = row.length();
      if (rowChars.length < rowLength) {
        rowChars = new char[Math.max(rowLength, 2 * rowChars.length)];
      }
      row.getChars(0, rowLength, rowChars, 0);
      out.write(rowChars, 0, rowLength);
      row.setLength(0);
      fieldsInRow = 0;
      rows++;
    }

    /** Writes the last row written once more, byte for byte. */
    void repeatLastRow() throws IOException {
      out.write(rowChars, 0, rowLength);
      rows++;
    }

    /** Rows written, not counting the header. */
    long rows() {
      return rows;
    }

    @Override
    public void close() throws IOException {
      out.close();
    }

    private void separate() {
      if (fieldsInRow++ > 0) {
        row.append(',');
      }
    }

    private static boolean needsQuotes(CharSequence value) {
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == ',' || c == '"' || c == '\n' || c == '\r') {
          return true;
        }
      }
      return false;
    }
  }
}
