package org.kemwb.infer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Checks what a {@code .pt} file is before libtorch sees it, so the user gets a useful line:
 * a TorchScript archive (a zip with {@code code/} and {@code constants.pkl}), a {@code torch.save}
 * pickle (a zip with {@code data.pkl} and no code, or the legacy non-zip pickle), or a damaged file
 * (no zip directory, or an entry whose CRC does not match its bytes). Also turns the errors
 * libtorch raises inside the TorchScript interpreter into their one informative line.
 */
public final class TorchScriptFiles {
    private TorchScriptFiles() {}

    /** What to tell a user who has a state dict. */
    public static final String EXPORT_HINT = "export it with interop/pytorch/export_model.py (constructor + checkpoint -> TorchScript + card)";

    /**
     * Returns normally for an intact TorchScript archive; otherwise throws one line naming the file.
     *
     * @throws IOException "FILE: a state dict, not TorchScript: export it with ...", "FILE: damaged: ..."
     */
    public static void check(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        long size = Files.size(file);
        if (size == 0) {
            throw new IOException(file + ": damaged: the file is empty");
        }
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
                throw new IOException(file + ": a state dict, not TorchScript (a legacy torch.save pickle): " + EXPORT_HINT);
            }
            if (n < 4 || head[0] != 'P' || head[1] != 'K') {
                throw new IOException(file + ": damaged: not a TorchScript archive (no zip header)");
            }
        }
        boolean code = false;
        boolean constants = false;
        boolean data = false;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            byte[] buf = new byte[1 << 16];
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                int slash = name.indexOf('/');
                String inner = slash < 0 ? name : name.substring(slash + 1);
                code |= inner.startsWith("code/");
                constants |= inner.equals("constants.pkl");
                data |= inner.equals("data.pkl");
                if (e.isDirectory()) {
                    continue;
                }
                CRC32 crc = new CRC32();
                long read = 0;
                try (InputStream in = zip.getInputStream(e)) {
                    for (int k; (k = in.read(buf)) > 0; ) {
                        crc.update(buf, 0, k);
                        read += k;
                    }
                }
                if ((e.getSize() >= 0 && read != e.getSize()) || (e.getCrc() >= 0 && crc.getValue() != e.getCrc())) {
                    throw new IOException(file + ": damaged: entry " + name + " does not match its checksum");
                }
            }
        } catch (ZipException e) {
            throw new IOException(file + ": damaged: " + (e.getMessage() == null ? "unreadable zip archive" : e.getMessage())
                    + " (truncated or overwritten?)");
        } catch (java.io.EOFException e) {
            throw new IOException(file + ": damaged: ends early (truncated?)");
        }
        if (data && !code) {
            throw new IOException(file + ": a state dict, not TorchScript (torch.save output has no code): " + EXPORT_HINT);
        }
        if (!code || !constants) {
            throw new IOException(file + ": damaged: not a TorchScript archive (no " + (code ? "constants.pkl" : "code/") + " inside)");
        }
    }

    /**
     * The informative line of an error raised by libtorch: inside the TorchScript interpreter the
     * message starts with "The following operation failed in the TorchScript interpreter." and a
     * traceback; the actual error ("RuntimeError: mat1 and mat2 shapes cannot be multiplied
     * (384x128 and 64x64)") comes at its end. Returns that line without the exception class.
     */
    public static String errorLine(Throwable t) {
        String m = t.getMessage();
        for (Throwable c = t.getCause(); (m == null || m.isBlank()) && c != null; c = c.getCause()) {
            m = c.getMessage();
        }
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        List<String> lines = m.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        String found = null;
        for (String line : lines) {
            if (line.matches("^(builtins\\.)?[A-Za-z_.]*(Error|Exception): .*")) {
                found = line; // the last such line is the innermost error
            }
        }
        if (found == null) {
            found = lines.isEmpty() ? m : lines.getFirst();
            if (found.startsWith("The following operation failed") && lines.size() > 1) {
                found = lines.getLast();
            }
        }
        int colon = found.indexOf(": ");
        String head = colon < 0 ? "" : found.substring(0, colon);
        return head.matches("(builtins\\.)?[A-Za-z_.]*(Error|Exception)") ? found.substring(colon + 2) : found;
    }
}
