package org.kemwb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.kemwb.experiment.ToyNoiseExperiment.Settings;
import org.kemwb.model.InteractionKind;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ToyNoiseCommandTest {
    @Test
    void withoutOptionsTheCommandRunsTheSharedDefaults() {
        ToyNoiseCommand cmd = new ToyNoiseCommand();
        new CommandLine(cmd).parseArgs();
        assertEquals(Settings.defaults(), cmd.settings());
    }

    @Test
    void optionsOverrideOnlyWhatTheyName() {
        ToyNoiseCommand cmd = new ToyNoiseCommand();
        new CommandLine(cmd).parseArgs("--seeds", "2", "--top-k", "5", "--modules", "kem");
        Settings d = Settings.defaults();
        Settings s = cmd.settings();
        assertEquals(2, s.seeds());
        assertEquals(5, s.topK());
        assertEquals(List.of(InteractionKind.KEM), s.modules());
        assertEquals(d.steps(), s.steps());
        assertEquals(d.noise(), s.noise());
        assertEquals(d.lr(), s.lr());
    }

    @Test
    void helpShowsTheSharedDefaults() {
        String usage = new CommandLine(new ToyNoiseCommand()).getUsageMessage();
        assertTrue(usage.contains("default: " + Settings.defaults().steps() + ")"), usage);
    }
}
