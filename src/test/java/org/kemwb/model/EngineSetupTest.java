package org.kemwb.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** GUI jobs leave the UI a core; KEMWB_THREADS overrides. */
class EngineSetupTest {
    @Test
    void uiJobsUseAllButOneCore() {
        assertEquals(1, EngineSetup.uiJobThreads(1, null));
        assertEquals(1, EngineSetup.uiJobThreads(2, null));
        assertEquals(15, EngineSetup.uiJobThreads(16, ""));
        assertEquals(3, EngineSetup.uiJobThreads(16, " 3 "));
        assertEquals(7, EngineSetup.uiJobThreads(8, "many"));
    }
}
