package org.kemwb.data;

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
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A reader for MATLAB Level 5 MAT-files (what {@code scipy.io.savemat} and MATLAB's default
 * {@code save} write, compressed or not): numeric and logical arrays, char arrays, structs and
 * cells. Enough for the PASCAL-Part {@code human_parts/*.mat} annotations of PASCAL-Context.
 * Arrays are column-major, as in MATLAB. Bad files fail with an {@link IOException} naming the
 * file and what is wrong; sparse, object and v7.3 (HDF5) files are refused by name.
 */
public final class MatFile {
    /** A MATLAB value. */
    public sealed interface Value permits Numeric, Chars, Struct, Cell {}

    /** A numeric or logical array, column-major, converted to double. */
    public record Numeric(int[] dims, double[] data) implements Value {
        public int rows() {
            return dims.length == 0 ? 0 : dims[0];
        }

        public int cols() {
            int c = 1;
            for (int i = 1; i < dims.length; i++) {
                c *= dims[i];
            }
            return dims.length == 0 ? 0 : c;
        }

        /** Element (row, col) of a 2-D array. */
        public double at(int row, int col) {
            return data[col * rows() + row];
        }
    }

    /** A char array, as one string (a 1 x n row, or the column-major characters of a matrix). */
    public record Chars(String text) implements Value {}

    /** A struct array: elements column-major, each a field-name -> value map. */
    public record Struct(int[] dims, List<String> fields, List<Map<String, Value>> elements) implements Value {}

    /** A cell array, column-major. */
    public record Cell(int[] dims, List<Value> elements) implements Value {}

    private static final int MI_INT8 = 1;
    private static final int MI_UINT8 = 2;
    private static final int MI_INT16 = 3;
    private static final int MI_UINT16 = 4;
    private static final int MI_INT32 = 5;
    private static final int MI_UINT32 = 6;
    private static final int MI_SINGLE = 7;
    private static final int MI_DOUBLE = 9;
    private static final int MI_INT64 = 12;
    private static final int MI_UINT64 = 13;
    private static final int MI_MATRIX = 14;
    private static final int MI_COMPRESSED = 15;
    private static final int MI_UTF8 = 16;
    private static final int MI_UTF16 = 17;
    private static final int MX_CELL = 1;
    private static final int MX_STRUCT = 2;
    private static final int MX_OBJECT = 3;
    private static final int MX_CHAR = 4;
    private static final int MX_SPARSE = 5;
    /** Decompressed size beyond which a file is refused (a corrupt length must not exhaust memory). */
    private static final long MAX_INFLATED = 1L << 30;

    private final Path file;

    private MatFile(Path file) {
        this.file = file;
    }

    /** Reads every top-level variable, by name, in file order. */
    public static Map<String, Value> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return new MatFile(file).parse(bytes);
    }

    private Map<String, Value> parse(byte[] bytes) throws IOException {
        if (bytes.length < 128) {
            throw bad("too short for a MATLAB 5 MAT-file header (" + bytes.length + " bytes)");
        }
        String text = new String(bytes, 0, 116, StandardCharsets.ISO_8859_1);
        if (text.startsWith("MATLAB 7.3") || (bytes[0] == (byte) 0x89 && bytes[1] == 'H' && bytes[2] == 'D' && bytes[3] == 'F')) {
            throw bad("a MATLAB v7.3 (HDF5) file; save it with -v7 or scipy.io.savemat");
        }
        ByteOrder order;
        if (bytes[126] == 'I' && bytes[127] == 'M') {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (bytes[126] == 'M' && bytes[127] == 'I') {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw bad("not a MATLAB 5 MAT-file (no endian indicator at byte 126)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 128, bytes.length - 128).slice().order(order);
        Map<String, Value> vars = new LinkedHashMap<>();
        while (in.remaining() >= 8) {
            Element e = element(in, true);
            ByteBuffer data = e.data;
            if (e.type == MI_COMPRESSED) {
                data = ByteBuffer.wrap(inflate(e.data)).order(order);
                e = element(data, true);
                data = e.data;
            }
            if (e.type != MI_MATRIX) {
                throw bad("top-level element of type " + e.type + " where a matrix was expected");
            }
            Named v = matrix(data);
            vars.put(v.name, v.value);
        }
        if (in.hasRemaining()) {
            throw bad("truncated: " + in.remaining() + " stray bytes after the last variable");
        }
        return vars;
    }

    private record Element(int type, ByteBuffer data) {}

    private record Named(String name, Value value) {}

    /** One data element (tag + data) at the buffer's position; advances past its padding. */
    private Element element(ByteBuffer in, boolean topLevel) throws IOException {
        if (in.remaining() < 8) {
            throw bad("truncated: a data element tag is cut off");
        }
        int type = in.getInt();
        int size;
        if ((type >>> 16) != 0) { // small data element: 2-byte size, 2-byte type, 4 bytes of data
            size = type >>> 16;
            type &= 0xffff;
            if (size > 4) {
                throw bad("corrupt small data element (" + size + " bytes)");
            }
            ByteBuffer data = slice(in, in.position(), size);
            in.position(in.position() + 4);
            return new Element(type, data);
        }
        size = in.getInt();
        if (size < 0 || size > in.remaining()) {
            throw bad("truncated: an element of " + Integer.toUnsignedString(size) + " bytes, " + in.remaining() + " left");
        }
        ByteBuffer data = slice(in, in.position(), size);
        int padded = type == MI_COMPRESSED && topLevel ? size : (size + 7) & ~7;
        in.position(Math.min(in.limit(), in.position() + padded));
        return new Element(type, data);
    }

    private static ByteBuffer slice(ByteBuffer in, int at, int size) {
        return in.duplicate().position(at).limit(at + size).slice().order(in.order());
    }

    private byte[] inflate(ByteBuffer compressed) throws IOException {
        byte[] src = new byte[compressed.remaining()];
        compressed.duplicate().get(src);
        Inflater inflater = new Inflater();
        inflater.setInput(src);
        ByteArrayOutputStream out = new ByteArrayOutputStream(src.length * 4);
        byte[] buf = new byte[1 << 16];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw bad("truncated compressed variable");
                }
                out.write(buf, 0, n);
                if (out.size() > MAX_INFLATED) {
                    throw bad("a compressed variable inflates beyond 1 GiB");
                }
            }
        } catch (DataFormatException e) {
            throw bad("corrupt compressed variable (" + e.getMessage() + ")");
        } finally {
            inflater.end();
        }
        return out.toByteArray();
    }

    /** The contents of a miMATRIX element (empty data = an empty array). */
    private Named matrix(ByteBuffer in) throws IOException {
        if (!in.hasRemaining()) {
            return new Named("", new Numeric(new int[] {0, 0}, new double[0]));
        }
        Element flags = element(in, false);
        if (flags.type != MI_UINT32 || flags.data.remaining() < 8) {
            throw bad("corrupt array flags");
        }
        int flagWord = flags.data.getInt(0);
        int mxClass = flagWord & 0xff;
        boolean complex = (flagWord & 0x800) != 0;
        Element dimsEl = element(in, false);
        if (dimsEl.type != MI_INT32 || dimsEl.data.remaining() % 4 != 0 || dimsEl.data.remaining() == 0) {
            throw bad("corrupt array dimensions");
        }
        int[] dims = new int[dimsEl.data.remaining() / 4];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = dimsEl.data.getInt(i * 4);
            if (dims[i] < 0) {
                throw bad("negative array dimension " + dims[i]);
            }
            count *= dims[i];
        }
        if (count > Integer.MAX_VALUE) {
            throw bad("an array of " + count + " elements is too large");
        }
        String name = text(element(in, false));
        int n = (int) count;
        return switch (mxClass) {
            case MX_STRUCT -> new Named(name, struct(in, dims, n));
            case MX_CELL -> {
                List<Value> cells = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    cells.add(matrix(element(in, false).data).value);
                }
                yield new Named(name, new Cell(dims, cells));
            }
            case MX_CHAR -> new Named(name, new Chars(n == 0 ? "" : text(element(in, false))));
            case MX_SPARSE -> throw bad("variable '" + name + "' is a sparse array (not supported)");
            case MX_OBJECT -> throw bad("variable '" + name + "' is a MATLAB object (not supported)");
            default -> {
                if (mxClass < 6 || mxClass > 15) {
                    throw bad("variable '" + name + "' has unknown array class " + mxClass);
                }
                double[] data = n == 0 && !in.hasRemaining() ? new double[0] : numbers(element(in, false), n, name);
                if (complex) {
                    numbers(element(in, false), n, name); // imaginary part: read past, keep the real part
                }
                yield new Named(name, new Numeric(dims, data));
            }
        };
    }

    private Struct struct(ByteBuffer in, int[] dims, int n) throws IOException {
        Element lengthEl = element(in, false);
        if (lengthEl.type != MI_INT32 || lengthEl.data.remaining() < 4) {
            throw bad("corrupt struct field-name length");
        }
        int length = lengthEl.data.getInt(0);
        Element namesEl = element(in, false);
        if (length <= 0 || namesEl.data.remaining() % length != 0) {
            throw bad("corrupt struct field names");
        }
        List<String> fields = new ArrayList<>();
        byte[] raw = new byte[namesEl.data.remaining()];
        namesEl.data.duplicate().get(raw);
        for (int f = 0; f < raw.length / length; f++) {
            int end = f * length;
            while (end < (f + 1) * length && raw[end] != 0) {
                end++;
            }
            fields.add(new String(raw, f * length, end - f * length, StandardCharsets.US_ASCII));
        }
        List<Map<String, Value>> elements = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Value> element = new LinkedHashMap<>();
            for (String field : fields) {
                element.put(field, matrix(element(in, false).data).value);
            }
            elements.add(element);
        }
        return new Struct(dims, List.copyOf(fields), elements);
    }

    private String text(Element e) throws IOException {
        ByteBuffer d = e.data.duplicate();
        byte[] raw = new byte[d.remaining()];
        d.get(raw);
        return switch (e.type) {
            case MI_INT8, MI_UINT8, MI_UTF8 -> new String(raw, StandardCharsets.UTF_8);
            case MI_UINT16, MI_UTF16 -> new String(raw, e.data.order() == ByteOrder.LITTLE_ENDIAN
                    ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE);
            default -> throw bad("text stored as element type " + e.type);
        };
    }

    private double[] numbers(Element e, int n, String name) throws IOException {
        int width = switch (e.type) {
            case MI_INT8, MI_UINT8 -> 1;
            case MI_INT16, MI_UINT16 -> 2;
            case MI_INT32, MI_UINT32, MI_SINGLE -> 4;
            case MI_DOUBLE, MI_INT64, MI_UINT64 -> 8;
            default -> throw bad("variable '" + name + "' stores numbers as element type " + e.type);
        };
        if (e.data.remaining() != (long) n * width) {
            throw bad("variable '" + name + "' has " + e.data.remaining() + " data bytes for " + n + " values of " + width
                    + " bytes");
        }
        ByteBuffer d = e.data;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            int at = i * width;
            out[i] = switch (e.type) {
                case MI_INT8 -> d.get(at);
                case MI_UINT8 -> d.get(at) & 0xff;
                case MI_INT16 -> d.getShort(at);
                case MI_UINT16 -> d.getShort(at) & 0xffff;
                case MI_INT32 -> d.getInt(at);
                case MI_UINT32 -> d.getInt(at) & 0xffffffffL;
                case MI_SINGLE -> d.getFloat(at);
                case MI_DOUBLE -> d.getDouble(at);
                default -> d.getLong(at);
            };
        }
        return out;
    }

    private IOException bad(String what) {
        return new IOException(file + ": " + what);
    }
}
