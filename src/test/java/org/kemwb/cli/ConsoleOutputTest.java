package org.kemwb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import org.junit.jupiter.api.Test;

/** What the CLI prints besides results: progress as plain lines off a terminal, and its version. */
class ConsoleOutputTest {
    @Test
    void progressOffATerminalIsPlainLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
                ProgressBar bar = ConsoleProgress.plain("synth", 3, out)) {
            for (int i = 0; i < 3; i++) {
                bar.step();
            }
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("\u001b"), "no ANSI escape: " + text);
        assertFalse(text.contains("\r"), "no carriage return: " + text);
        List<String> lines = text.lines().toList();
        assertFalse(lines.isEmpty(), "the closing line is printed");
        assertTrue(lines.getLast().contains("synth") && lines.getLast().contains("3/3"), lines.getLast());
        assertTrue(text.chars().allMatch(c -> c == '\n' || (c >= 32 && c < 127)), "ASCII only: " + text);
    }

    @Test
    void versionIsThePomVersion() throws Exception {
        assertEquals("kemwb " + org.kemwb.train.RunJsonTest.pomVersion(), new KemwbCli.VersionProvider().getVersion()[0]);
    }
}
