package org.kemwb.train;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The exclusive right to train in a run folder: an OS file lock ({@link FileChannel#tryLock()})
 * on {@code run.lock}, which holds "host pid" of the trainer for people reading the folder. The
 * OS drops the lock when the process dies, so "running" in run.json with no lock held means the
 * run was interrupted (see {@link #isHeld}).
 *
 * <p>Java file locks are POSIX record locks held by the whole process, and closing <em>any</em>
 * channel this process has on the file releases them. So this class keeps the folders this JVM
 * holds in a registry and never opens a second channel on a held lock file: {@link #isHeld}
 * answers from the registry for them. The file itself is left in place on release (deleting it
 * would let a waiting opener lock a removed file).
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = "run.lock";
    /** Canonical run folders locked by this JVM (guarded by itself). */
    private static final Set<Path> HELD = new HashSet<>();

    private final Path dir;
    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path dir, Path key, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the folder's lock.
     *
     * @throws IOException naming the folder (and the holder's "host pid" when readable) if
     *     another trainer, in this or another process, holds it; or if run.lock cannot be written
     */
    public static RunLock acquire(Path dir) throws IOException {
        Path key = key(dir);
        synchronized (HELD) {
            if (HELD.contains(key)) {
                throw busy(dir, "this process");
            }
            Path file = dir.resolve(FILE);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // only reachable if another channel of this JVM bypassed the registry
            } catch (IOException e) {
                ch.close();
                throw new IOException("run folder " + dir + ": cannot lock " + FILE + ": " + e.getMessage(), e);
            }
            if (lock == null) {
                String holder = holder(ch);
                ch.close(); // we hold no lock on this file, so closing releases nothing of ours
                throw busy(dir, holder.isEmpty() ? "another process" : holder);
            }
            try {
                ch.truncate(0);
                ch.write(ByteBuffer.wrap((host() + " " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
                ch.force(false);
            } catch (IOException e) {
                ch.close();
                throw new IOException("run folder " + dir + ": cannot write " + FILE + ": " + e.getMessage(), e);
            }
            HELD.add(key);
            return new RunLock(dir, key, ch, lock);
        }
    }

    /**
     * True if a trainer (this process or another) holds the folder's lock now. Never disturbs a
     * lock this process holds. A folder without run.lock (e.g. written by another tool) is not held.
     */
    public static boolean isHeld(Path dir) {
        Path key;
        try {
            key = key(dir);
        } catch (IOException e) {
            return false;
        }
        synchronized (HELD) {
            if (HELD.contains(key)) {
                return true;
            }
            // not ours: a probe channel may open and close freely (we hold no lock on this file)
            try (FileChannel ch = FileChannel.open(dir.resolve(FILE), StandardOpenOption.READ)) {
                FileLock probe = ch.tryLock(0, Long.MAX_VALUE, true); // shared: works on read-only files
                if (probe == null) {
                    return true;
                }
                probe.release();
                return false;
            } catch (NoSuchFileException e) {
                return false;
            } catch (IOException | OverlappingFileLockException e) {
                return false; // unreadable or unlockable (some network file systems): no evidence of a holder
            }
        }
    }

    /** True if this folder has a run.lock file (written by a trainer that uses locks). */
    public static boolean hasLockFile(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    public Path dir() {
        return dir;
    }

    /** Releases the lock (idempotent). */
    @Override
    public void close() throws IOException {
        synchronized (HELD) {
            if (!channel.isOpen()) {
                return;
            }
            try {
                if (lock.isValid()) {
                    lock.release();
                }
            } finally {
                channel.close();
                HELD.remove(key);
            }
        }
    }

    private static IOException busy(Path dir, String holder) {
        return new IOException("run folder " + dir + " is in use by another trainer (" + holder + ", " + FILE
                + "); wait for it to end or cancel it");
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(256);
            int n = ch.read(buf, 0);
            return n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static Path key(Path dir) throws IOException {
        return dir.toAbsolutePath().normalize().toRealPath();
    }
}
