package org.kemwb.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The CLI's progress bars, on stderr. On a terminal: the redrawn bar of the progressbar library.
 * Otherwise (a pipe, a file, a CI log): plain lines, ASCII only, no ANSI colour or cursor codes
 * and no carriage returns, one every {@value #PLAIN_INTERVAL_MS} ms and a last one when the bar
 * closes.
 */
final class ConsoleProgress {
    /** Milliseconds between two plain lines. */
    static final int PLAIN_INTERVAL_MS = 10_000;
    /** Longest plain line, characters. */
    static final int PLAIN_WIDTH = 120;

    private ConsoleProgress() {}

    /** A bar of {@code total} steps named {@code task}, drawn for a terminal or as plain lines. */
    static ProgressBar bar(String task, long total) {
        return stderrIsTerminal() ? new ProgressBar(task, total) : plain(task, total, System.err);
    }

    /** A bar that writes plain lines to {@code out}. */
    static ProgressBar plain(String task, long total, PrintStream out) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(PLAIN_INTERVAL_MS).setConsumer(new DelegatingProgressBarConsumer(out::println, PLAIN_WIDTH))
                .build();
    }

    /**
     * Whether stderr is a terminal: on Linux, where file descriptor 2 points (/dev/pts/N or
     * /dev/ttyN); elsewhere, whether the JVM has an interactive console.
     */
    static boolean stderrIsTerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        if (Files.isSymbolicLink(fd)) {
            try {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }
}
