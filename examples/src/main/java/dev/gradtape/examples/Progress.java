package dev.gradtape.examples;

import java.io.PrintStream;
import java.io.PrintWriter;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on the terminal's standard error, drawn only when someone is watching: it stays
 * silent with {@code --quiet} and when the output is not a terminal (a pipe, a file, CI, a test),
 * so logs are never filled with redraws.
 */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private final PrintStream terminal;

    private Progress(ProgressBar bar, PrintStream terminal) {
        this.bar = bar;
        this.terminal = terminal;
    }

    /**
     * A progress bar over {@code max} steps, or a silent one.
     *
     * @param quiet true to never draw
     */
    static Progress start(String task, long max, String unit, boolean quiet) {
        if (quiet || System.console() == null) {
            return new Progress(null, null);
        }
        PrintStream err = System.err;
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" " + unit, 1).setUpdateIntervalMillis(200)
                .setConsumer(new ConsoleProgressBarConsumer(err)).build();
        return new Progress(bar, err);
    }

    /** Whether a bar is being drawn. */
    boolean visible() {
        return bar != null;
    }

    /** Advances by one step. */
    void step() {
        if (bar != null) {
            bar.step();
        }
    }

    /** Advances to {@code done} steps. */
    void stepTo(long done) {
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    /**
     * Prints a line to {@code out} without tangling it with the bar: the bar's line is cleared
     * first and redrawn on its next refresh.
     */
    void println(PrintWriter out, String line) {
        if (bar != null) {
            terminal.print("\r\033[K");
            terminal.flush();
        }
        out.println(line);
        out.flush();
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
