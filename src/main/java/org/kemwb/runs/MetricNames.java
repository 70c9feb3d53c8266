package org.kemwb.runs;

import java.util.Locale;

/**
 * How a metrics.csv column is named on a chart, and its unit, from the column name
 * ({@code semseg_miou}, {@code depth_rmse}, {@code normals_mean_deg}, {@code loss_depth}, ...).
 * mIoU and maxF are logged in percent, depth errors in metres, angles in degrees.
 */
public final class MetricNames {
    private MetricNames() {}

    /** The unit of a column: "%", "m", "°", or "" (losses, learning rate, unknown columns). */
    public static String unit(String column) {
        String c = column.toLowerCase(Locale.ROOT);
        if (c.startsWith("loss") || c.equals("lr")) {
            return "";
        }
        if (c.endsWith("miou") || c.endsWith("maxf") || c.endsWith("_acc") || c.endsWith("_pct") || c.startsWith("edges_")) {
            return "%";
        }
        if (c.endsWith("_deg") || c.endsWith("deg")) {
            return "°";
        }
        if (c.endsWith("log_rmse") || c.endsWith("absrel")) {
            return ""; // log-RMSE and abs rel have no unit
        }
        if (c.endsWith("rmse") || c.endsWith("_m")) {
            return "m";
        }
        if (c.endsWith("_ms")) {
            return "ms";
        }
        return "";
    }

    /** A readable label: "semseg mIoU", "depth RMSE", "normals mean angle", "loss (depth)", "learning rate". */
    public static String label(String column) {
        String c = column.toLowerCase(Locale.ROOT);
        if (c.equals("lr")) {
            return "learning rate";
        }
        if (c.equals("step_ms")) {
            return "time per step";
        }
        if (c.startsWith("loss_")) {
            return "loss (" + column.substring(5) + ")";
        }
        int us = column.indexOf('_');
        if (us < 0) {
            return column;
        }
        String task = column.substring(0, us);
        String rest = c.substring(us + 1);
        String metric = switch (rest) {
            case "miou" -> "mIoU";
            case "maxf" -> "maxF";
            case "rmse" -> "RMSE";
            case "mean_deg" -> "mean angle";
            case "median_deg" -> "median angle";
            case "rmse_deg" -> "RMSE angle";
            case "log_rmse" -> "log RMSE";
            case "absrel" -> "abs rel";
            case "odsf" -> "ODS F";
            case "oisf" -> "OIS F";
            case "ap" -> "AP";
            default -> rest.replace('_', ' ');
        };
        return task + " " + metric;
    }

    /** The axis label: label and unit, "semseg mIoU (%)". */
    public static String axisLabel(String column) {
        String u = unit(column);
        return u.isEmpty() ? label(column) : label(column) + " (" + u + ")";
    }

    /**
     * A value with its label and unit, as a table shows it: "semseg mIoU 41.3 %", "depth RMSE
     * 0.213 m", "normals mean angle 24.1°", "depth abs rel 0.152". Percentages and degrees with
     * one decimal, metres with three, others with four significant digits.
     */
    public static String valueText(String column, double value) {
        String u = unit(column);
        String number = switch (u) {
            case "%", "°" -> String.format(Locale.ROOT, "%.1f", value);
            case "m" -> String.format(Locale.ROOT, "%.3f", value);
            default -> String.format(Locale.ROOT, "%.4g", value);
        };
        return label(column) + " " + number + (u.isEmpty() ? "" : u.equals("°") ? "°" : " " + u);
    }
}
