package org.starttls4j;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.starttls4j.internal.ThreadScratch;

/**
 * Collects what one transition produces: bytes, events, delegated tasks. Lives for one call.
 *
 * <p>Outbound bytes are gathered in a per-thread scratch array and copied once, at the exact
 * length, into the {@link Transition}: a handshake flight arrives in several pieces, and growing
 * a fresh array for each transition would copy it several times over.
 */
final class Output implements Consumer<ByteBuffer> {

    /** The largest scratch array a thread keeps between calls; bigger ones are left to the GC. */
    private static final int KEEP_AT_MOST = 1 << 16;
    private static final ThreadScratch<byte[]> SCRATCH = new ThreadScratch<>();
    /** An output each thread keeps for its next call into a negotiation ({@link #open}). */
    private static final ThreadScratch<Output> KEPT = new ThreadScratch<>();
    private static final byte[] NO_BYTES = new byte[0];

    private Instant now;
    private int maxLines; // transcript bounds of this transition (Limits)
    private int maxChars;
    private int lines;
    private int chars;
    private boolean truncated; // the marker is recorded; no more lines
    private byte[] bytes;
    private int length;
    private boolean lent; // bytes is (grown from) this thread's scratch array, to give back at to()
    private Object[] entries; // the transcript so far (see Transcript); null until the first entry
    private byte[] flags;
    private int count;
    private boolean handedOut; // entries and flags belong to a Transition: copy before writing
    private List<Runnable> tasks = List.of(); // made mutable only when an engine hands out tasks

    Output(Instant now) {
        this(now, Limits.DEFAULT);
    }

    Output(Instant now, Limits limits) {
        reset(now, limits);
    }

    /**
     * The output for one call into a negotiation: this thread's kept one, emptied, unless it is in
     * use (a trust manager running a negotiation of its own). Nothing of it outlives the call: the
     * transition takes copies of the bytes and the transcript arrays it is handed. {@link #close}
     * gives it back.
     */
    static Output open(Instant now, Limits limits) {
        Output kept = KEPT.borrow();
        if (kept == null) {
            return new Output(now, limits);
        }
        kept.reset(now, limits);
        return kept;
    }

    /** The call is over: the thread may hand this output to its next call, which holds nothing of this one. */
    void close() {
        if (lent && bytes.length <= KEEP_AT_MOST) {
            SCRATCH.giveBack(bytes); // a call that threw before making its transition
        }
        lent = false;
        bytes = NO_BYTES;
        entries = null;
        flags = null;
        tasks = List.of();
        KEPT.giveBack(this);
    }

    private void reset(Instant now, Limits limits) {
        this.now = now;
        this.maxLines = limits.maxTranscriptLines();
        this.maxChars = limits.maxTranscriptBytes();
        this.lines = 0;
        this.chars = 0;
        this.truncated = false;
        byte[] kept = SCRATCH.borrow();
        this.bytes = kept != null ? kept : new byte[1024];
        this.length = 0;
        this.lent = true;
        this.entries = null; // a transcript handed out keeps its arrays
        this.flags = null;
        this.count = 0;
        this.handedOut = false;
        this.tasks = List.of();
    }

    Instant now() {
        return now;
    }

    @Override
    public void accept(ByteBuffer buffer) {
        int n = buffer.remaining();
        ensure(n);
        buffer.get(buffer.position(), bytes, length, n); // absolute: the buffer stays as it was
        length += n;
    }

    /**
     * Writes dialog text as it travels, one byte per character (ISO-8859-1), without a copy of its
     * own. A character beyond ISO-8859-1 becomes {@code '?'}, as {@code getBytes} would make it:
     * cutting it to its low byte could turn U+010A into a line feed.
     */
    void write(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes[length++] = c <= 0xFF ? (byte) c : (byte) '?';
        }
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + more, bytes.length * 2));
        }
    }

    /** Records a line received (without its CRLF), within the transcript bounds. */
    void received(String line, boolean encrypted) {
        if (fits(1, line.length())) {
            record(line, encrypted ? Transcript.ENCRYPTED : 0);
        }
    }

    /** Records the lines of {@code text} (each ending in CRLF) as sent, within the transcript bounds. */
    void sent(String text, boolean encrypted) {
        if (fits(lineCount(text), text.length())) {
            record(text, (byte) (Transcript.SENT | (encrypted ? Transcript.ENCRYPTED : 0)));
        }
    }

    /**
     * Whether {@code n} more lines of {@code length} characters stay within the bounds; if not, the
     * marker is recorded once and every later line is left out. A hostile peer's input is bounded
     * by the flows' own limits; this keeps what one transition reports bounded whatever they are.
     */
    private boolean fits(int n, int length) {
        if (truncated) {
            return false;
        }
        if (lines + n > maxLines || chars + length > maxChars) {
            truncated = true;
            record(new Event.TranscriptTruncated(maxLines, maxChars), (byte) 0);
            return false;
        }
        lines += n;
        chars += length;
        return true;
    }

    private static int lineCount(String text) {
        int n = 0;
        for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
            n++;
        }
        return Math.max(n, 1);
    }

    void event(Event event) {
        record(event, (byte) 0);
    }

    void events(List<Event> more) {
        for (int i = 0; i < more.size(); i++) {
            record(more.get(i), (byte) 0);
        }
    }

    private void record(Object entry, byte flag) {
        if (entries == null) {
            entries = new Object[8];
            flags = new byte[8];
        } else if (handedOut || count == entries.length) {
            int size = count == entries.length ? count * 2 : entries.length;
            entries = Arrays.copyOf(entries, size);
            flags = Arrays.copyOf(flags, size);
            handedOut = false;
        }
        entries[count] = entry;
        flags[count] = flag;
        count++;
    }

    void tasks(List<Runnable> more) {
        if (tasks.isEmpty()) {
            tasks = new ArrayList<>(more);
        } else {
            tasks.addAll(more);
        }
    }

    /**
     * The transition: it gets its own copy of the bytes, and the scratch array goes back to the
     * thread. A flow may go on after this (a read that ended the dialog, then a failure) and call
     * it again; the second transition then holds everything, and nothing written after the first
     * can reach the first's bytes.
     */
    Transition to(Negotiation next) {
        byte[] exact = length == 0 ? NO_BYTES : Arrays.copyOf(bytes, length);
        if (lent) {
            if (bytes.length <= KEEP_AT_MOST) {
                SCRATCH.giveBack(bytes);
            }
            lent = false;
            bytes = exact; // full: the next write grows it into a new array
        }
        Transcript transcript = null;
        if (count > 0) {
            transcript = new Transcript(entries, flags, count, now);
            handedOut = true;
        }
        return new Transition(next, exact, transcript, tasks.isEmpty() ? List.of() : List.copyOf(tasks));
    }
}
