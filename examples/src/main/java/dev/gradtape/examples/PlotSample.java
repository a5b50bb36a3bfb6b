package dev.gradtape.examples;

import java.util.Arrays;

/**
 * The rows of a plot, kept in bounded memory however many are added: every row while there are
 * fewer than the capacity, then every second one, every fourth, and so on (when the kept rows fill
 * the capacity, every other one is dropped and the stride doubles). The first row and the last
 * are always drawn. A chart of a few hundred pixels cannot show more points anyway; the full
 * series is in the CSV.
 */
final class PlotSample {
    private final int capacity;
    private final double[][] kept;
    private final double[] last;
    private int size;
    private long added;
    private long stride = 1;

    /** A sample of rows of {@code columns} values, keeping between capacity / 2 and capacity rows. */
    PlotSample(int columns, int capacity) {
        if (columns < 1 || capacity < 2 || capacity % 2 != 0) {
            throw new IllegalArgumentException("PlotSample: " + columns + " columns, capacity " + capacity
                    + "; need at least 1 column and an even capacity of at least 2");
        }
        this.capacity = capacity;
        this.kept = new double[columns][capacity];
        this.last = new double[columns];
    }

    /** Adds a row of one value per column. */
    void add(double... row) {
        if (row.length != kept.length) {
            throw new IllegalArgumentException("PlotSample.add: got " + row.length + " values for "
                    + kept.length + " columns");
        }
        System.arraycopy(row, 0, last, 0, row.length);
        if (added % stride == 0) {
            if (size == capacity) {
                for (double[] col : kept) {
                    for (int i = 0; i < capacity / 2; i++) {
                        col[i] = col[2 * i];
                    }
                }
                size = capacity / 2;
                stride *= 2;
            }
            if (added % stride == 0) {
                for (int c = 0; c < row.length; c++) {
                    kept[c][size] = row[c];
                }
                size++;
            }
        }
        added++;
    }

    /** The rows added so far. */
    long added() {
        return added;
    }

    /** Column {@code c} of the kept rows, with the last row added at the end if it was not kept. */
    double[] column(int c) {
        boolean lastKept = added == 0 || (added - 1) % stride == 0; // every multiple of the stride is kept
        double[] out = Arrays.copyOf(kept[c], lastKept ? size : size + 1);
        if (!lastKept) {
            out[size] = last[c];
        }
        return out;
    }
}
