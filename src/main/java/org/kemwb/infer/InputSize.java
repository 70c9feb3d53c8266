package org.kemwb.infer;

import org.kemwb.model.ModelConfig;

/**
 * The size a native model runs an image at; the image is never stretched (see {@link Letterbox}).
 * <ul>
 *   <li>{@code model}: the model's training size, image letterboxed into it (always possible);</li>
 *   <li>{@code image}: the image's own size, padded to a multiple of the patch (position
 *       embeddings resampled; not for CTAL or TorchScript exports);</li>
 *   <li>{@code HxW} (e.g. {@code 480x640}: height x width, multiples of the patch): the image
 *       letterboxed into that size.</li>
 * </ul>
 *
 * @param mode "model", "image" or "fixed"
 * @param height pixels (rows) for "fixed", else 0
 * @param width pixels (columns) for "fixed", else 0
 */
public record InputSize(String mode, int height, int width) {
    public static final InputSize MODEL = new InputSize("model", 0, 0);
    public static final InputSize IMAGE = new InputSize("image", 0, 0);

    /** Parses "model", "image" or "HxW"; throws IllegalArgumentException naming the text. */
    public static InputSize parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("model")) {
            return MODEL;
        }
        if (t.equals("image")) {
            return IMAGE;
        }
        String[] hw = t.split("x");
        try {
            if (hw.length == 2) {
                int h = Integer.parseInt(hw[0]);
                int w = Integer.parseInt(hw[1]);
                if (h >= 1 && w >= 1 && h <= 16384 && w <= 16384) {
                    return new InputSize("fixed", h, w);
                }
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("input size '" + text + "': expected model, image or HEIGHTxWIDTH (e.g. 480x640)");
    }

    /** How an image of h x w pixels enters a model with this config at this input size. */
    public Letterbox letterbox(int h, int w, ModelConfig config) {
        int p = config.patch();
        return switch (mode) {
            case "image" -> Letterbox.padTo(h, w, p);
            case "fixed" -> {
                if (height % p != 0 || width % p != 0) {
                    throw new IllegalArgumentException("input size " + this + ": height and width must be multiples of the model's patch ("
                            + p + ")");
                }
                yield Letterbox.fit(h, w, height, width);
            }
            default -> Letterbox.fit(h, w, config.height(), config.width());
        };
    }

    @Override
    public String toString() {
        return mode.equals("fixed") ? height + "x" + width : mode;
    }
}
