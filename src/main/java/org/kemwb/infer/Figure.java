package org.kemwb.infer;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kemwb.data.Sample;
import org.kemwb.model.Task;
import org.kemwb.util.AtomicFiles;

/**
 * One figure of an image and every task's output, each with its legend or scale (class names
 * and colours; the depth colour bar in metres; how normals are coloured), and, when ground truth
 * is known, the ground truth and the error map of each task beside it. Drawn with Java2D, so the
 * same drawing gives a PNG ({@link #png}) and an SVG ({@link #svg}, JFreeSVG).
 */
public final class Figure {
    /** Side of one panel in the figure, pixels. */
    public static final int PANEL = 256;
    static final int GAP = 16;
    static final int TITLE = 22;
    static final int LEGEND = 64;

    private record Cell(String title, BufferedImage image, List<String[]> swatches, double[] scale, String unit, String note) {}

    private final String heading;
    private final List<Cell[]> rows = new ArrayList<>();
    private final double aspect;

    /**
     * @param heading first line of the figure (image name, model)
     * @param image the input image
     * @param p the prediction on it
     * @param gt ground truth at the prediction's size, or null
     */
    public Figure(String heading, BufferedImage image, Prediction p, Sample gt) {
        this(heading, image, p, gt, gt == null ? java.util.Set.of() : java.util.EnumSet.allOf(Task.class));
    }

    /**
     * @param heading first line of the figure (image name, model)
     * @param image the input image
     * @param p the prediction on it
     * @param gt ground truth at the prediction's size, or null
     * @param labelled the tasks of {@code gt} whose labels were read ({@code data.FolderDataset.Truth}); the
     *     others get their output only
     */
    public Figure(String heading, BufferedImage image, Prediction p, Sample gt, java.util.Set<Task> labelled) {
        this.heading = heading;
        this.aspect = (double) image.getWidth() / image.getHeight();
        int h = p.height();
        int w = p.width();
        boolean truth = gt != null && gt.height() == h && gt.width() == w;
        rows.add(new Cell[] {new Cell("image (" + image.getWidth() + "x" + image.getHeight() + ")", image, List.of(), null, null, null)});
        for (int t = 0; t < p.tasks().size(); t++) {
            Task task = p.tasks().get(t);
            float[] out = p.outputs().get(t);
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < h * w; i++) {
                lo = Math.min(lo, out[i]);
                hi = Math.max(hi, out[i]);
            }
            boolean taskTruth = truth && labelled.contains(task);
            if (task == Task.DEPTH && taskTruth) {
                float[] shared = OutputImages.sharedDepthRange(out, gt.depth(), h * w); // output and truth on one scale
                lo = shared[0];
                hi = shared[1];
            }
            List<String[]> classes = classSwatches(task, p.channels(t));
            double[] range = task == Task.DEPTH ? new double[] {lo, hi} : null;
            String note = switch (task) {
                case NORMALS -> "RGB = (x, y, z) / 2 + 0.5, camera frame";
                case DEPTH -> taskTruth ? "one scale for output and ground truth" : null;
                case EDGES, SALIENCY -> "probability: black 0, white 1";
                default -> null;
            };
            Cell output = new Cell(task.id(), OutputImages.render(task, out, p.channels(t), h, w, lo, hi), classes, range, "m", note);
            if (!taskTruth) {
                rows.add(new Cell[] {output});
                continue;
            }
            Cell label = new Cell(task.id() + " (ground truth)", OutputImages.renderLabel(task, gt, lo, hi), classes, range, "m", note);
            float[] err = ErrorMaps.of(task, out, p.channels(t), gt);
            float max = ErrorMaps.max(err);
            Cell error;
            if (ErrorMaps.binary(task)) {
                error = new Cell(task.id() + " error", ErrorMaps.render(task, err, w, h, max),
                        List.of(new String[] {Integer.toString(ErrorMaps.WRONG), "wrong"}, new String[] {Integer.toString(ErrorMaps.RIGHT), "right"},
                                new String[] {"0", "no label"}), null, null,
                        String.format(Locale.ROOT, "%.1f %% of labelled pixels wrong", 100 * ErrorMaps.mean(err)));
            } else {
                error = new Cell(task.id() + " error", ErrorMaps.render(task, err, w, h, max), List.of(), new double[] {0, max},
                        ErrorMaps.unit(task), String.format(Locale.ROOT, "mean %.3g %s", ErrorMaps.mean(err), ErrorMaps.unit(task)));
            }
            rows.add(new Cell[] {output, label, error});
        }
    }

    private static List<String[]> classSwatches(Task task, int channels) {
        if (!task.categorical()) {
            return List.of();
        }
        String[] names = org.kemwb.data.ClassNames.of(task, channels); // the dataset's names, as Inspect's legend
        List<String[]> out = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            out.add(new String[] {Integer.toString(OutputImages.classColour(c)), c < names.length ? names[c] : "class " + c});
        }
        return out;
    }

    private int panelW() {
        return aspect >= 1 ? PANEL : (int) Math.round(PANEL * aspect);
    }

    private int panelH() {
        return aspect >= 1 ? (int) Math.round(PANEL / aspect) : PANEL;
    }

    public int width() {
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(1);
        return GAP + columns * (panelW() + GAP);
    }

    public int height() {
        return GAP + TITLE + rows.size() * (TITLE + panelH() + LEGEND + GAP);
    }

    /** Draws the figure at (0, 0) in {@link #width()} x {@link #height()}. */
    public void draw(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width(), height());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(heading, GAP, GAP + 14);
        int y = GAP + TITLE;
        for (Cell[] row : rows) {
            int x = GAP;
            for (Cell c : row) {
                drawCell(g, c, x, y);
                x += panelW() + GAP;
            }
            y += TITLE + panelH() + LEGEND + GAP;
        }
    }

    private void drawCell(Graphics2D g, Cell c, int x, int y) {
        int w = panelW();
        int h = panelH();
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        g.drawString(c.title(), x, y + 14);
        g.drawImage(c.image(), x, y + TITLE, w, h, null);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x, y + TITLE, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        int ly = y + TITLE + h + 6;
        if (!c.swatches().isEmpty()) {
            int lx = x;
            for (String[] sw : c.swatches()) {
                int tw = fm.stringWidth(sw[1]) + 18;
                if (lx + tw > x + w) {
                    lx = x;
                    ly += 15;
                }
                g.setColor(new Color(Integer.parseInt(sw[0])));
                g.fillRect(lx, ly, 10, 10);
                g.setColor(Color.GRAY);
                g.drawRect(lx, ly, 10, 10);
                g.setColor(Color.BLACK);
                g.drawString(sw[1], lx + 14, ly + 10);
                lx += tw;
            }
            ly += 15;
        }
        if (c.scale() != null) {
            String lo = String.format(Locale.ROOT, "%.2f %s", c.scale()[0], c.unit());
            String hi = String.format(Locale.ROOT, "%.2f %s", c.scale()[1], c.unit());
            int barX = x + fm.stringWidth(lo) + 6;
            int barW = Math.max(20, w - fm.stringWidth(lo) - fm.stringWidth(hi) - 12);
            g.setColor(Color.BLACK);
            g.drawString(lo, x, ly + 10);
            for (int i = 0; i < barW; i++) {
                g.setColor(new Color(OutputImages.turbo((float) i / (barW - 1))));
                g.fillRect(barX + i, ly, 1, 11);
            }
            g.setColor(Color.BLACK);
            g.drawString(hi, barX + barW + 6, ly + 10);
            ly += 15;
        }
        if (c.note() != null) {
            g.setColor(Color.DARK_GRAY);
            g.drawString(c.note(), x, ly + 10);
        }
    }

    /** The figure as a PNG image. */
    public BufferedImage image() {
        BufferedImage img = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        draw(g);
        g.dispose();
        return img;
    }

    /** Writes the figure as PNG (atomically). */
    public void png(Path file) throws IOException {
        OutputImages.writePng(image(), file);
    }

    /** Writes the figure as SVG (vector text and bars, panels as embedded images; atomically). */
    public void svg(Path file) throws IOException {
        org.jfree.svg.SVGGraphics2D g = new org.jfree.svg.SVGGraphics2D(width(), height());
        draw(g);
        byte[] bytes = g.getSVGDocument().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, o -> o.write(bytes));
    }

    /** File-name stem of an image: "scene-0.png" gives "scene-0". */
    public static String stem(Path image) {
        String name = image.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
