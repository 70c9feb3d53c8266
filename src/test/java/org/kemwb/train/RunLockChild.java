package org.kemwb.train;

import java.nio.file.Path;

/**
 * A second process for {@link RunLockTest}: tries to take the lock of the folder given as
 * argument; prints "locked" and holds it until stdin closes, or prints the refusal and exits 3.
 */
public final class RunLockChild {
    private RunLockChild() {}

    public static void main(String[] args) throws Exception {
        try (RunLock lock = RunLock.acquire(Path.of(args[0]))) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the parent closes our stdin or kills us
            }
        } catch (java.io.IOException e) {
            System.out.println("refused: " + e.getMessage());
            System.out.flush();
            System.exit(3);
        }
    }
}
