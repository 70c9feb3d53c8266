package org.kemwb.model;

import java.util.Random;

/**
 * The simplex equiangular tight frame of sKEM: E = sqrt(K/(K-1)) U (I_K - 1 1^T / K), with U a
 * fixed d x K matrix with orthonormal columns drawn from a seed. Its K columns have unit norm
 * and pairwise cosine -1/(K-1).
 */
public final class Etf {
    private Etf() {}

    /** Returns E as a row-major d x K array. */
    public static float[][] matrix(int d, int k, long seed) {
        if (k < 2 || d < k) {
            throw new IllegalArgumentException("ETF needs 2 <= K <= d, got K=" + k + ", d=" + d);
        }
        double[][] u = orthonormalColumns(d, k, seed);
        double scale = Math.sqrt((double) k / (k - 1));
        float[][] e = new float[d][k];
        for (int row = 0; row < d; row++) {
            double mean = 0;
            for (int c = 0; c < k; c++) {
                mean += u[row][c];
            }
            mean /= k;
            for (int c = 0; c < k; c++) {
                // (U (I - 11^T/K))[row, c] = U[row, c] - mean_j U[row, j]
                e[row][c] = (float) (scale * (u[row][c] - mean));
            }
        }
        return e;
    }

    /** Gram-Schmidt (twice, for accuracy) on seeded Gaussian columns. */
    static double[][] orthonormalColumns(int d, int k, long seed) {
        Random rnd = new Random(seed);
        double[][] u = new double[d][k];
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < k; c++) {
                u[r][c] = rnd.nextGaussian();
            }
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int c = 0; c < k; c++) {
                for (int prev = 0; prev < c; prev++) {
                    double dot = 0;
                    for (int r = 0; r < d; r++) {
                        dot += u[r][c] * u[r][prev];
                    }
                    for (int r = 0; r < d; r++) {
                        u[r][c] -= dot * u[r][prev];
                    }
                }
                double norm = 0;
                for (int r = 0; r < d; r++) {
                    norm += u[r][c] * u[r][c];
                }
                norm = Math.sqrt(norm);
                for (int r = 0; r < d; r++) {
                    u[r][c] /= norm;
                }
            }
        }
        return u;
    }
}
