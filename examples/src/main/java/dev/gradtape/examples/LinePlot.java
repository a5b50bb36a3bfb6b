package dev.gradtape.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A line chart rendered to PNG bytes with XChart, never on screen: the JVM is put in headless
 * mode before AWT loads, so it works on a server without a display. Long series are thinned to
 * at most {@link #MAX_POINTS} points, which no one can tell apart at this size.
 */
final class LinePlot {
    /** Points drawn per series at most; 10,000 episodes become every 5th point. */
    static final int MAX_POINTS = 2000;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final int width;
    private final int height;
    private final List<Series> series = new ArrayList<>();

    private record Series(String name, double[] x, double[] y, Color color, boolean dashed,
            boolean inLegend) {
    }

    LinePlot(String title, String xLabel, String yLabel, int width, int height) {
        if (width < 100 || height < 100) {
            throw new IllegalArgumentException("LinePlot: width and height must be at least 100 pixels,"
                    + " got " + width + " x " + height);
        }
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.width = width;
        this.height = height;
    }

    /** Adds a solid line through the points (x[i], y[i]). */
    LinePlot line(String name, double[] x, double[] y, Color color) {
        return add(name, x, y, color, false, true);
    }

    /** Adds a dashed horizontal line at {@code y} across the range of {@code x}. */
    LinePlot level(String name, double[] x, double y, Color color) {
        return level(name, x, y, color, true);
    }

    /**
     * Adds a dashed horizontal line at {@code y} across the range of {@code x}, listed in the legend
     * or not (for a second line of a band already named).
     */
    LinePlot level(String name, double[] x, double y, Color color, boolean inLegend) {
        if (x.length == 0) {
            return this;
        }
        return add(name, new double[] {x[0], x[x.length - 1]}, new double[] {y, y}, color, true, inLegend);
    }

    private LinePlot add(String name, double[] x, double[] y, Color color, boolean dashed,
            boolean inLegend) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("LinePlot: series '" + name + "' has " + x.length
                    + " x values and " + y.length + " y values; they must be equal");
        }
        for (Series other : series) {
            if (other.name.equals(name)) {
                throw new IllegalArgumentException("LinePlot: two series are named '" + name + "'");
            }
        }
        series.add(new Series(name, x.clone(), y.clone(), color, dashed, inLegend));
        return this;
    }

    /** The chart as PNG bytes, {@code width} x {@code height} pixels. */
    byte[] png() throws IOException {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setMarkerSize(0);
        for (Series s : series) {
            int step = Math.max(1, (s.x.length + MAX_POINTS - 1) / MAX_POINTS);
            XYSeries xy = chart.addSeries(s.name, thin(s.x, step), thin(s.y, step));
            xy.setMarker(SeriesMarkers.NONE);
            xy.setShowInLegend(s.inLegend);
            xy.setLineColor(s.color);
            xy.setLineStyle(s.dashed
                    ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                            new float[] {6f, 4f}, 0f)
                    : new BasicStroke(1.5f));
        }
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    /** Every {@code step}-th value, always keeping the last. */
    private static double[] thin(double[] v, int step) {
        if (step == 1) {
            return v;
        }
        int n = (v.length + step - 1) / step;
        boolean lastKept = (v.length - 1) % step == 0;
        double[] out = new double[lastKept ? n : n + 1];
        for (int i = 0; i < n; i++) {
            out[i] = v[i * step];
        }
        if (!lastKept) {
            out[n] = v[v.length - 1];
        }
        return out;
    }
}
