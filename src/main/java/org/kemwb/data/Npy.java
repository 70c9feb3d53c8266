package org.kemwb.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads NumPy .npy files of float32/float64/uint8/int32/int64 (C order) as float arrays. */
public final class Npy {
    public record Array(long[] shape, float[] data) {}

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<>|=])([fiu])(\\d)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() {}

    public static Array read(Path file) throws IOException {
        return read(Files.readAllBytes(file), file.toString());
    }

    /** Parses .npy bytes; {@code file} names the source in error messages. */
    public static Array read(byte[] bytes, String file) throws IOException {
        if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || bytes[1] != 'N' || bytes[2] != 'U') {
            throw new IOException(file + ": not a .npy file");
        }
        int major = bytes[6];
        int headerLen;
        int offset;
        if (major == 1) {
            headerLen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
            offset = 10;
        } else {
            headerLen = ByteBuffer.wrap(bytes, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            offset = 12;
        }
        if (headerLen < 0 || offset + headerLen > bytes.length) {
            throw new IOException(file + ": corrupt .npy header");
        }
        String header = new String(bytes, offset, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IOException(file + ": unsupported .npy header " + header.trim());
        }
        if (f.group(1).equals("True")) {
            throw new IOException(file + ": Fortran-ordered arrays are not supported");
        }
        String[] dims = s.group(1).split(",");
        long count = 1;
        java.util.List<Long> shape = new java.util.ArrayList<>();
        for (String dim : dims) {
            if (!dim.isBlank()) {
                long v = Long.parseLong(dim.trim());
                shape.add(v);
                count *= v;
            }
        }
        char kind = d.group(2).charAt(0);
        int size = Integer.parseInt(d.group(3));
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        ByteBuffer buf = ByteBuffer.wrap(bytes, offset + headerLen, bytes.length - offset - headerLen).order(order);
        if (count < 0 || count > Integer.MAX_VALUE || count * size > buf.remaining()) {
            throw new IOException(file + ": data is shorter than its shape " + shape);
        }
        float[] out = new float[(int) count];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (kind + "" + size) {
                case "f4" -> buf.getFloat();
                case "f8" -> (float) buf.getDouble();
                case "u1" -> buf.get() & 0xff;
                case "i4" -> buf.getInt();
                case "i8" -> buf.getLong();
                default -> throw new IOException(file + ": unsupported dtype " + kind + size);
            };
        }
        return new Array(shape.stream().mapToLong(Long::longValue).toArray(), out);
    }
}
