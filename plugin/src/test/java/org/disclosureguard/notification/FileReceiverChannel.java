package org.disclosureguard.notification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A receiver that outlives the process delivering to it: each accepted notice id is appended as one line to a file,
 * written straight to the operating system, so what it accepted survives the delivering JVM being halted. Used by
 * the crash test from two JVMs in turn; one writer at a time.
 */
final class FileReceiverChannel implements NotificationChannel {

    private final String name;
    private final Path file;
    private final long delayMillis;
    private final Runnable afterAccepting;

    /**
     * @param delayMillis how long each delivery takes (a slow receiver)
     * @param afterAccepting run once the id is written, before the relay learns of it (the crash point)
     */
    FileReceiverChannel(String name, Path file, long delayMillis, Runnable afterAccepting) {
        this.name = name;
        this.file = file;
        this.delayMillis = delayMillis;
        this.afterAccepting = afterAccepting;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void deliver(Notice notice) {
        try {
            Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.writeString(file, notice.noticeId() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        afterAccepting.run();
    }

    /** Every id the receiver accepted, in order, duplicates included. */
    static List<String> accepted(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }
}
