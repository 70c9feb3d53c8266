package org.kemwb.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kemwb.util.AtomicFiles;

/**
 * Reads and writes NumPy {@code .npy} files (format spec: numpy/lib/format.py, NEP 1).
 *
 * <p>Reads every valid file of a numeric dtype that numpy writes: header versions 1.0, 2.0 and
 * 3.0; C and Fortran order (returned in C order); little, big and native byte order;
 * {@code bool}, {@code int8..int64}, {@code uint8..uint64}, {@code float16/32/64}; shapes written
 * by old writers as {@code (2L, 3L)}; 0-d arrays (shape {@code []}, one value) and empty arrays.
 * Values are returned as float32 (int64/uint64 and float64 are rounded to the nearest float).
 * Refused, with the file named in a one-line message: structured, complex, string, datetime and
 * object dtypes, and anything that is not a valid .npy file (bad magic, unknown version, broken
 * header, data shorter than its shape). Nothing is allocated for data the file does not hold.
 */
public final class Npy {
    /**
     * An array in C (row-major) order.
     *
     * @param shape dimensions, empty for a 0-d array
     * @param data the values, {@code prod(shape)} of them, converted to float
     * @param dtype the stored numpy dtype, e.g. {@code "<f4"}, {@code "|u1"}, {@code ">i8"}
     */
    public record Array(long[] shape, float[] data, String dtype) {
        public Array(long[] shape, float[] data) {
            this(shape, data, "<f4");
        }
    }

    private Npy() {}

    public static Array read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IOException(file + ": cannot be read (permission denied)");
        } catch (IOException e) {
            throw new IOException(file + ": " + (Files.isDirectory(file) ? "is a directory" : "cannot be read (" + e.getMessage() + ")"));
        } catch (OutOfMemoryError e) {
            throw new IOException(file + ": does not fit in memory (" + Files.size(file) + " bytes)");
        }
        return read(bytes, file.toString());
    }

    /** Parses .npy bytes; {@code file} names the source in error messages. */
    public static Array read(byte[] bytes, String file) throws IOException {
        if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || !new String(bytes, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
            throw new IOException(file + ": not a .npy file (no \\x93NUMPY magic)");
        }
        int major = bytes[6] & 0xff;
        int headerLen;
        int offset;
        if (major == 1) {
            headerLen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
            offset = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new IOException(file + ": .npy header is cut short");
            }
            long len = ByteBuffer.wrap(bytes, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
            if (len > bytes.length) {
                throw new IOException(file + ": .npy header length " + len + " exceeds the file (" + bytes.length + " bytes)");
            }
            headerLen = (int) len;
            offset = 12;
        } else {
            throw new IOException(file + ": unsupported .npy format version " + major + "." + (bytes[7] & 0xff));
        }
        if (offset + headerLen > bytes.length) {
            throw new IOException(file + ": .npy header length " + headerLen + " exceeds the file (" + bytes.length + " bytes)");
        }
        String header = new String(bytes, offset, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> dict;
        try {
            dict = new HeaderParser(header).dict();
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": broken .npy header (" + e.getMessage() + "): " + oneLine(header));
        }
        Object descr = dict.get("descr");
        Object fortran = dict.get("fortran_order");
        Object shapeObj = dict.get("shape");
        if (descr == null || fortran == null || shapeObj == null) {
            throw new IOException(file + ": .npy header lacks 'descr', 'fortran_order' or 'shape': " + oneLine(header));
        }
        if (!(descr instanceof String d)) {
            throw new IOException(file + ": structured dtype " + oneLine(String.valueOf(descr)) + " is not supported (numeric arrays only)");
        }
        if (!(fortran instanceof Boolean fortranOrder)) {
            throw new IOException(file + ": 'fortran_order' is not True or False");
        }
        if (!(shapeObj instanceof List<?> dimList)) {
            throw new IOException(file + ": 'shape' is not a tuple");
        }
        long[] shape = new long[dimList.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(dimList.get(i) instanceof Long v) || v < 0) {
                throw new IOException(file + ": 'shape' holds " + dimList.get(i) + ", not a size");
            }
            shape[i] = v;
            try {
                count = Math.multiplyExact(count, v);
            } catch (ArithmeticException e) {
                throw new IOException(file + ": shape " + java.util.Arrays.toString(shape) + " is too large");
            }
        }
        Dtype type = Dtype.parse(d, file);
        int start = offset + headerLen;
        long available = bytes.length - start;
        if (count > Integer.MAX_VALUE || count * type.size > available) {
            throw new IOException(file + ": data is shorter than its shape " + java.util.Arrays.toString(shape) + " of " + d + " (needs "
                    + (count > Integer.MAX_VALUE ? "more than 2^31 values" : count * type.size + " bytes") + ", has " + available + ")");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes, start, (int) available).order(type.order);
        float[] raw = new float[(int) count];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = type.next(buf);
        }
        float[] data = fortranOrder && shape.length > 1 ? toC(raw, shape) : raw;
        return new Array(shape, data, d);
    }

    /** Column-major values to row-major. */
    private static float[] toC(float[] f, long[] shape) {
        int k = shape.length;
        float[] out = new float[f.length];
        int[] idx = new int[k];
        // C-order strides and F-order strides
        long[] fStride = new long[k];
        long s = 1;
        for (int j = 0; j < k; j++) {
            fStride[j] = s;
            s *= shape[j];
        }
        for (int c = 0; c < out.length; c++) {
            long fo = 0;
            for (int j = 0; j < k; j++) {
                fo += idx[j] * fStride[j];
            }
            out[c] = f[(int) fo];
            for (int j = k - 1; j >= 0; j--) {
                if (++idx[j] < shape[j]) {
                    break;
                }
                idx[j] = 0;
            }
        }
        return out;
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

    private record Dtype(char kind, int size, ByteOrder order) {
        static Dtype parse(String d, String file) throws IOException {
            if (d.length() < 2) {
                throw new IOException(file + ": dtype '" + d + "' is not a numpy dtype");
            }
            char bo = d.charAt(0);
            String rest = d;
            ByteOrder order = ByteOrder.nativeOrder();
            if (bo == '<' || bo == '>' || bo == '|' || bo == '=') {
                rest = d.substring(1);
                order = bo == '>' ? ByteOrder.BIG_ENDIAN : bo == '<' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.nativeOrder();
            }
            if (rest.isEmpty()) {
                throw new IOException(file + ": dtype '" + d + "' is not a numpy dtype");
            }
            char kind = rest.charAt(0);
            int size;
            try {
                size = rest.length() == 1 ? -1 : Integer.parseInt(rest.substring(1));
            } catch (NumberFormatException e) {
                size = -1;
            }
            String what = switch (kind) {
                case 'c' -> "complex";
                case 'O' -> "object";
                case 'S', 'a', 'U' -> "string";
                case 'V' -> "void (raw bytes)";
                case 'M', 'm' -> "datetime";
                default -> null;
            };
            if (what != null) {
                throw new IOException(file + ": " + what + " dtype '" + d + "' is not supported (bool, int, uint and float arrays only)");
            }
            boolean ok = switch (kind) {
                case 'b' -> size == 1;
                case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
                case 'f' -> size == 2 || size == 4 || size == 8;
                default -> false;
            };
            if (!ok) {
                throw new IOException(file + ": dtype '" + d + "' is not supported (bool, int8-64, uint8-64, float16/32/64)");
            }
            return new Dtype(kind, size, order);
        }

        float next(ByteBuffer b) {
            return switch (kind) {
                case 'b' -> b.get() != 0 ? 1f : 0f;
                case 'i' -> switch (size) {
                    case 1 -> b.get();
                    case 2 -> b.getShort();
                    case 4 -> b.getInt();
                    default -> b.getLong();
                };
                case 'u' -> switch (size) {
                    case 1 -> b.get() & 0xff;
                    case 2 -> b.getShort() & 0xffff;
                    case 4 -> b.getInt() & 0xffffffffL;
                    default -> unsigned64(b.getLong());
                };
                default -> switch (size) {
                    case 2 -> Float.float16ToFloat(b.getShort());
                    case 4 -> b.getFloat();
                    default -> (float) b.getDouble();
                };
            };
        }

        private static float unsigned64(long v) {
            return v >= 0 ? v : (float) ((v >>> 1) * 2.0 + (v & 1));
        }
    }

    /** The subset of Python literal syntax numpy writes in a header: dict, str, bool, int (L suffix), tuple, list. */
    private static final class HeaderParser {
        private final String s;
        private int i;

        HeaderParser(String s) {
            this.s = s;
        }

        Map<String, Object> dict() {
            skip();
            Object v = value();
            if (!(v instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("not a dict");
            }
            skip();
            if (i != s.length()) {
                throw new IllegalArgumentException("text after the dict");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> out = (Map<String, Object>) m;
            return out;
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at character " + i);
        }

        private Object value() {
            skip();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            if (c == '{') {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                while (true) {
                    skip();
                    if (i < s.length() && s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    Object key = value();
                    if (!(key instanceof String k)) {
                        throw error("dict key is not a string");
                    }
                    skip();
                    expect(':');
                    m.put(k, value());
                    skip();
                    if (i < s.length() && s.charAt(i) == ',') {
                        i++;
                    } else if (i < s.length() && s.charAt(i) == '}') {
                        i++;
                        return m;
                    } else {
                        throw error("expected ',' or '}'");
                    }
                }
            }
            if (c == '(' || c == '[') {
                char close = c == '(' ? ')' : ']';
                i++;
                List<Object> items = new ArrayList<>();
                while (true) {
                    skip();
                    if (i < s.length() && s.charAt(i) == close) {
                        i++;
                        return items;
                    }
                    items.add(value());
                    skip();
                    if (i < s.length() && s.charAt(i) == ',') {
                        i++;
                    } else if (i < s.length() && s.charAt(i) == close) {
                        i++;
                        return items;
                    } else {
                        throw error("expected ',' or '" + close + "'");
                    }
                }
            }
            if (c == '\'' || c == '"') {
                int end = s.indexOf(c, i + 1);
                if (end < 0) {
                    throw error("unterminated string");
                }
                String str = s.substring(i + 1, end);
                i = end + 1;
                return str;
            }
            if (s.startsWith("True", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (c == '-' || Character.isDigit(c)) {
                int st = i;
                i++;
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                String digits = s.substring(st, i);
                if (i < s.length() && (s.charAt(i) == 'L' || s.charAt(i) == 'l')) {
                    i++; // Python 2 long suffix
                }
                try {
                    return Long.parseLong(digits);
                } catch (NumberFormatException e) {
                    throw error("number '" + digits + "' out of range");
                }
            }
            throw error("unexpected '" + c + "'");
        }

        private void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }
    }

    /**
     * Writes a little-endian float32 .npy file (version 1.0, C order) atomically, streamed in 1 MB
     * chunks: a 48 MP photo's normals (576 MB as float32) need no second copy in memory.
     */
    public static void write(float[] data, long[] shape, Path file) throws IOException {
        byte[] header = header("<f4", shape);
        AtomicFiles.write(file, o -> {
            o.write(header);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < data.length; ) {
                int n = Math.min(data.length - i, chunk.capacity() / 4);
                chunk.clear();
                chunk.asFloatBuffer().put(data, i, n);
                o.write(chunk.array(), 0, n * 4);
                i += n;
            }
        });
    }

    /** Writes a little-endian int32 .npy file (version 1.0, C order) atomically (class maps). */
    public static void write(int[] data, long[] shape, Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asIntBuffer().put(data);
        byte[] bytes = bytes(buf.array(), "<i4", shape);
        AtomicFiles.write(file, o -> o.write(bytes));
    }

    /**
     * Writes a class map (values 0..255) as a uint8 .npy file ({@code |u1}, version 1.0, C order)
     * atomically: a quarter of int32's size, as label maps are stored.
     *
     * @throws IllegalArgumentException a value outside 0..255
     */
    public static void writeU8(int[] data, long[] shape, Path file) throws IOException {
        byte[] raw = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            if (data[i] < 0 || data[i] > 255) {
                throw new IllegalArgumentException("value " + data[i] + " at " + i + " does not fit uint8");
            }
            raw[i] = (byte) data[i];
        }
        byte[] bytes = bytes(raw, "|u1", shape);
        AtomicFiles.write(file, o -> o.write(bytes));
    }

    /** The bytes of a little-endian float32 .npy file (version 1.0, C order) of the given shape. */
    public static byte[] bytes(float[] data, long[] shape) {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        return bytes(buf.array(), "<f4", shape);
    }

    /** The bytes of a .npy file (version 1.0, C order): header for {@code descr} and shape, then {@code raw}. */
    private static byte[] bytes(byte[] raw, String descr, long[] shape) {
        byte[] header = header(descr, shape);
        ByteArrayOutputStream out = new ByteArrayOutputStream(header.length + raw.length);
        out.writeBytes(header);
        out.writeBytes(raw);
        return out.toByteArray();
    }

    /** Magic, version 1.0 and the 64-byte aligned header dict of a C-order .npy file. */
    private static byte[] header(String descr, long[] shape) {
        StringBuilder dims = new StringBuilder();
        for (int k = 0; k < shape.length; k++) {
            dims.append(shape[k]).append(shape.length == 1 ? "," : k + 1 < shape.length ? ", " : "");
        }
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int headerLen = 10 + dict.length() + 1;
        int pad = (64 - headerLen % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream(10 + header.length());
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xff);
        out.write((header.length() >> 8) & 0xff);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
