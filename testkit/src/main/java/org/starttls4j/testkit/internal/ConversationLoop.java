package org.starttls4j.testkit.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Feeds a {@link Conversation} the lines of a connection and writes its answers, until either side ends. */
public final class ConversationLoop {

    /** The longest line a kit server reads: a hundred times what SMTP allows (RFC 5321 §4.5.3.1.6). */
    public static final int MAX_LINE = 100 * 1000;

    private ConversationLoop() {
    }

    /**
     * Runs the conversation.
     *
     * @param in           the client's lines
     * @param out          where answers go
     * @param conversation the conversation
     * @throws IOException when reading or writing fails (including a line over {@link #MAX_LINE})
     */
    public static void run(LineReader in, OutputStream out, Conversation conversation) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            Conversation.Answer answer = conversation.onLine(line);
            if (!answer.send().isEmpty()) {
                out.write(answer.send().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            if (answer.close()) {
                return;
            }
        }
    }
}
