package dev.gradtape.examples;

import java.util.ArrayList;
import java.util.List;

/**
 * A table of numbers written as CSV: a header line, then one line per row. Doubles are written
 * with {@link Double#toString}, the shortest text that reads back to the same double, so a CSV
 * loses nothing; integers as integers.
 */
final class CsvTable {
    private final List<String> columns;
    private final List<Number[]> rows = new ArrayList<>();

    CsvTable(String... columns) {
        if (columns.length == 0) {
            throw new IllegalArgumentException("CsvTable: need at least one column");
        }
        this.columns = List.of(columns);
    }

    /** Appends a row with one value per column. */
    void add(Number... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("CsvTable.add: got " + values.length + " values for "
                    + columns.size() + " columns " + columns);
        }
        rows.add(values.clone());
    }

    /** The number of rows (the header not counted). */
    int rowCount() {
        return rows.size();
    }

    /** Column {@code name} as doubles, for plotting. */
    double[] column(String name) {
        int c = columns.indexOf(name);
        if (c < 0) {
            throw new IllegalArgumentException("CsvTable.column: no column '" + name + "' in " + columns);
        }
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i)[c].doubleValue();
        }
        return out;
    }

    /** The CSV text, header first, lines ending in '\n'. */
    String toCsv() {
        StringBuilder sb = new StringBuilder(32 * (rows.size() + 1));
        sb.append(String.join(",", columns)).append('\n');
        for (Number[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                Number v = row[i];
                sb.append(v instanceof Double || v instanceof Float ? Double.toString(v.doubleValue())
                        : String.valueOf(v.longValue()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
