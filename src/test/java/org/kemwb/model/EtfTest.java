package org.kemwb.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EtfTest {
    @ParameterizedTest
    @CsvSource({"8, 2", "8, 3", "64, 3", "16, 6", "6, 6"})
    void columnsAreUnitNormAndEquiangular(int d, int k) {
        float[][] e = Etf.matrix(d, k, 42);
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double dot = 0;
                for (int r = 0; r < d; r++) {
                    dot += (double) e[r][a] * e[r][b];
                }
                assertEquals(a == b ? 1.0 : -1.0 / (k - 1), dot, 1e-6, "column " + a + " . column " + b);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"16, 3"})
    void fixedForASeedAndDifferentAcrossSeeds(int d, int k) {
        assertArrayEquals(Etf.matrix(d, k, 5)[3], Etf.matrix(d, k, 5)[3]);
        assertFalse(Arrays.equals(Etf.matrix(d, k, 5)[3], Etf.matrix(d, k, 6)[3]));
        assertThrows(IllegalArgumentException.class, () -> Etf.matrix(2, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> Etf.matrix(8, 1, 1));
    }
}
