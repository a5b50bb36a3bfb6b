package dev.gradtape.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A CSV file written row by row while a run goes on, so that a run of any length needs the same
 * memory: a header line, then one line per row. Doubles are written with {@link Double#toString},
 * the shortest text that reads back to the same double, so the file loses nothing; integers as
 * integers.
 *
 * <p>Rows are buffered and written in whole lines only (one write per {@link #BUFFER_CHARS}
 * characters or so), so a process killed at any moment leaves a file that ends at a line
 * boundary. A later run that continues this one cuts the file back to the rows its checkpoint
 * covers with {@link #cutBack}.
 */
final class CsvLog implements AutoCloseable {
    /** Characters buffered before they are written out, in whole lines. */
    static final int BUFFER_CHARS = 1 << 16;

    private final List<String> columns;
    private final OutputStream file;
    private final StringBuilder buffer = new StringBuilder(BUFFER_CHARS + 256);
    private long rows;

    private CsvLog(List<String> columns, OutputStream file) {
        this.columns = columns;
        this.file = file;
    }

    /** Creates {@code path} (it must not exist yet) and writes the header. */
    static CsvLog create(Path path, String... columns) throws IOException {
        if (columns.length == 0) {
            throw new IllegalArgumentException("CsvLog: need at least one column");
        }
        OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        CsvLog log = new CsvLog(List.of(columns), out);
        log.buffer.append(String.join(",", columns)).append('\n');
        log.flush();
        return log;
    }

    /**
     * Opens {@code path}, a log this class wrote with the same columns, to append to it: what a
     * resumed run does after {@link #cutBack}.
     *
     * @throws IllegalArgumentException if its first line is not the header of {@code columns}
     */
    static CsvLog reopen(Path path, String... columns) throws IOException {
        String header = String.join(",", columns);
        String first;
        try (var in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            first = in.readLine();
        }
        if (!header.equals(first)) {
            throw new IllegalArgumentException("CsvLog.reopen: " + path + " starts with '" + first
                    + "', not the header '" + header + "'");
        }
        long rows;
        try (var lines = Files.lines(path, StandardCharsets.UTF_8)) {
            rows = lines.count() - 1;
        }
        CsvLog log = new CsvLog(List.of(columns), Files.newOutputStream(path, StandardOpenOption.APPEND));
        log.rows = rows;
        return log;
    }

    /** Appends a row with one value per column. */
    void add(Number... values) throws IOException {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("CsvLog.add: got " + values.length + " values for "
                    + columns.size() + " columns " + columns);
        }
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                buffer.append(',');
            }
            Number v = values[i];
            if (v instanceof Double || v instanceof Float) {
                buffer.append(v.doubleValue());
            } else {
                buffer.append(v.longValue());
            }
        }
        buffer.append('\n');
        rows++;
        if (buffer.length() >= BUFFER_CHARS) {
            flush();
        }
    }

    /**
     * Appends a row already written as CSV by its owner (such as {@code UpdateMetrics.toCsv()}),
     * one value per column.
     */
    void addLine(String line) throws IOException {
        if (line.indexOf('\n') >= 0 || line.split(",", -1).length != columns.size()) {
            throw new IllegalArgumentException("CsvLog.addLine: '" + line + "' is not one line of "
                    + columns.size() + " values for the columns " + columns);
        }
        buffer.append(line).append('\n');
        rows++;
        if (buffer.length() >= BUFFER_CHARS) {
            flush();
        }
    }

    /** The rows added so far (the header not counted). */
    long rowCount() {
        return rows;
    }

    /** Writes the buffered rows to the file: whole lines, in one write. */
    void flush() throws IOException {
        if (buffer.length() > 0) {
            file.write(buffer.toString().getBytes(StandardCharsets.UTF_8));
            file.flush();
            buffer.setLength(0);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            file.close();
        }
    }

    /**
     * Cuts {@code path} back to its header and first {@code keepRows} rows: what a resumed run
     * does before it appends, so that the file holds exactly the rows its checkpoint covers. A
     * last line cut short (no newline) is dropped with the rest.
     *
     * @return the number of rows now in the file (fewer than {@code keepRows} if it had fewer)
     */
    static long cutBack(Path path, long keepRows) throws IOException {
        if (keepRows < 0) {
            throw new IllegalArgumentException("CsvLog.cutBack: " + keepRows + " rows; need >= 0");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                var in = new java.io.BufferedInputStream(java.nio.channels.Channels.newInputStream(ch), 1 << 16)) {
            long lines = 0; // complete lines seen, the header included
            long end = 0; // the byte after the last complete line kept
            long pos = 0;
            for (int b = in.read(); b >= 0 && lines < keepRows + 1; b = in.read()) {
                pos++;
                if (b == '\n') {
                    lines++;
                    end = pos;
                }
            }
            ch.truncate(end);
            return Math.max(0, lines - 1);
        }
    }
}
