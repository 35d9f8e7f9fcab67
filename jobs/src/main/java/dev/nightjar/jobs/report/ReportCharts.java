package dev.nightjar.jobs.report;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.internal.chartpart.IChart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.Styler.LegendPosition;

/**
 * The run report's charts, drawn with XChart off screen and returned as PNG bytes. Needs no display:
 * {@link RunHtmlReport} sets {@code java.awt.headless=true} before the first chart.
 *
 * <pre>{@code
 * byte[] png = ReportCharts.frontier(List.of(new ReportCharts.FrontierPoint(0, 0.12, 0.30)), "2026-10-31");
 * }</pre>
 */
final class ReportCharts {
  static final int WIDTH = 760;
  static final int HEIGHT = 380;

  private ReportCharts() {}

  /** One point of the exploration frontier: E exploration slots, its coverage@k and NDCG@k. */
  record FrontierPoint(int slots, double coverage, double ndcg) {}

  /** Lines over nights: x labels (dates) and one series per metric; missing values are gaps ({@code null}). */
  static byte[] trend(String title, List<String> nights, Map<String, List<Double>> seriesByName) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("night").yAxisTitle("value").build();
    style(chart.getStyler());
    chart.getStyler().setDefaultSeriesRenderStyle(CategorySeriesRenderStyle.Line);
    chart.getStyler().setOverlapped(true); // every series at the same x positions (the nights), not side by side
    chart.getStyler().setXAxisMaxLabelCount(10);
    chart.getStyler().setYAxisDecimalPattern("0.000");
    seriesByName.forEach((name, values) -> chart.addSeries(name, nights, values));
    return png(chart);
  }

  /** NDCG against coverage, one labelled point per number of exploration slots, joined in order of E. */
  static byte[] frontier(List<FrontierPoint> points, String title) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("coverage@10").yAxisTitle("NDCG@10").build();
    style(chart.getStyler());
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Line);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setMarkerSize(9);
    chart.getStyler().setXAxisDecimalPattern("0.000");
    chart.getStyler().setYAxisDecimalPattern("0.000");
    double[] x = points.stream().mapToDouble(FrontierPoint::coverage).toArray();
    double[] y = points.stream().mapToDouble(FrontierPoint::ndcg).toArray();
    chart.addSeries("frontier", x, y);
    // a little room around the points so that the labels stay inside the plot
    double xSpan = Math.max(range(x), 0.01);
    double ySpan = Math.max(range(y), 0.01);
    chart.getStyler().setXAxisMin(min(x) - 0.15 * xSpan).setXAxisMax(max(x) + 0.15 * xSpan);
    chart.getStyler().setYAxisMin(min(y) - 0.15 * ySpan).setYAxisMax(max(y) + 0.25 * ySpan);
    for (FrontierPoint p : points) {
      chart.addAnnotation(new AnnotationText("E=" + p.slots(), p.coverage(), p.ndcg() + 0.08 * ySpan, false));
    }
    return png(chart);
  }

  /** Bars per category label, one (stacked) series per group; every series holds a value for every label. */
  static byte[] stackedBars(String title, String xTitle, String yTitle, List<String> labels, Map<String, List<Long>> seriesByName) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    style(chart.getStyler());
    chart.getStyler().setStacked(true);
    chart.getStyler().setYAxisDecimalPattern("#,##0");
    if (labels.size() > 6 || labels.stream().mapToInt(String::length).sum() > 60) {
      chart.getStyler().setXAxisLabelRotation(35);
    }
    seriesByName.forEach((name, values) -> chart.addSeries(name, labels, new ArrayList<Number>(values)));
    return png(chart);
  }

  private static void style(Styler s) {
    s.setLocale(Locale.ROOT);
    s.setChartBackgroundColor(Color.WHITE);
    s.setLegendPosition(LegendPosition.OutsideE);
    s.setAntiAlias(true);
  }

  private static byte[] png(IChart chart) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      BitmapEncoder.saveBitmap(chart, out, BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static double min(double[] v) {
    double m = Double.POSITIVE_INFINITY;
    for (double d : v) {
      m = Math.min(m, d);
    }
    return m;
  }

  private static double max(double[] v) {
    double m = Double.NEGATIVE_INFINITY;
    for (double d : v) {
      m = Math.max(m, d);
    }
    return m;
  }

  private static double range(double[] v) {
    return max(v) - min(v);
  }
}
