package org.kemwb.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.geometry.Bounds;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Issue 4: the What-if page draws the probed image at its own aspect, not squashed to a square. */
@Timeout(120)
class WhatIfAspectTest {
    private WorkbenchState state;

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void close() {
        if (state != null) {
            state.close();
        }
    }

    static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(60, TimeUnit.SECONDS);
    }

    private Bounds shown(int w, int h) throws Exception {
        WhatIfView view = fx(() -> {
            WhatIfView v = new WhatIfView(state);
            v.bindSizes(new SimpleDoubleProperty(1000));
            return v;
        });
        FxToolkit.setupStage(s -> {
            s.setScene(new Scene(new StackPane(view), 1100, 800));
            s.show();
        });
        fx(() -> {
            state.imageProperty().set(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB));
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        return fx(() -> ((StackPane) view.lookup("#whatif-image")).getChildren().get(0).getBoundsInParent());
    }

    @Test
    void aLandscapeAndAPortraitImageKeepTheirAspect() throws Exception {
        state = new WorkbenchState();
        Bounds landscape = shown(640, 480);
        assertEquals(640.0 / 480, landscape.getWidth() / landscape.getHeight(), 0.02, landscape.toString());
        Bounds portrait = shown(427, 640);
        assertEquals(427.0 / 640, portrait.getWidth() / portrait.getHeight(), 0.02, portrait.toString());
        // the longer side still uses the panel size the page offers: (1000 - 60) / 4 = 235 px
        assertEquals(235, landscape.getWidth(), 1);
        assertEquals(235, portrait.getHeight(), 1);
    }
}
