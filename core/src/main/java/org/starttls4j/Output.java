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
 * <p>Outbound bytes go to the caller's destination buffer when the call has one, from its
 * position on, as far as it has room; the rest (all of them, without a destination) are gathered
 * in a per-thread scratch array and copied once, at the exact length, into the {@link Transition}:
 * a handshake flight arrives in several pieces, and growing a fresh array for each transition
 * would copy it several times over. Bytes reach the scratch array only once the destination is
 * full, so the destination's bytes always come first.
 */
final class Output implements Consumer<ByteBuffer> {

    /** The largest scratch array a thread keeps between calls; bigger ones are left to the GC. */
    private static final int KEEP_AT_MOST = 1 << 16;
    private static final ThreadScratch<byte[]> SCRATCH = new ThreadScratch<>();
    /** An output each thread keeps for its next call into a negotiation ({@link #open}). */
    private static final ThreadScratch<Output> KEPT = new ThreadScratch<>();
    private static final byte[] NO_BYTES = new byte[0];
    /** The most transcript entries a kept output holds room for between calls; a longer transcript's arrays are left to the GC. */
    private static final int KEEP_ENTRIES_AT_MOST = 256;

    private Instant now;
    private ByteBuffer destination; // the caller's, or null: written from its position, which moves
    private int written; // bytes put into the destination in this call
    private boolean transcript; // whether lines are recorded at all (NegotiationConfig.recordsTranscript)
    private int maxLines; // transcript bounds of this transition (Limits)
    private int maxChars;
    private int lines;
    private int chars;
    private boolean truncated; // the marker is recorded; no more lines
    private byte[] bytes;
    private int length;
    private boolean lent; // bytes is (grown from) this thread's scratch array, to give back at to()
    // The transcript so far (see Transcript), in arrays this output keeps from call to call (as the
    // thread keeps the output): a transition gets copies at their exact length, and the entries are
    // cleared when the call ends, so nothing of one call is held past it.
    private Object[] entries = new Object[8];
    private byte[] flags = new byte[8];
    private boolean flagged; // whether any flag recorded in this call is not 0
    private int count;
    private List<Runnable> tasks = List.of(); // made mutable only when an engine hands out tasks

    Output(Instant now) {
        this(now, Limits.DEFAULT);
    }

    Output(Instant now, Limits limits) {
        reset(now, limits, true, null);
    }

    /**
     * The output for one call into a negotiation: this thread's kept one, emptied, unless it is in
     * use (a trust manager running a negotiation of its own). Nothing of it outlives the call: the
     * transition takes copies of the bytes and the transcript arrays it is handed. {@link #close}
     * gives it back.
     *
     * @param transcript  whether to record the lines crossed (events are always recorded)
     * @param destination where outbound bytes go first, from its position; null: all into the transition
     */
    static Output open(Instant now, Limits limits, boolean transcript, ByteBuffer destination) {
        Output kept = KEPT.borrow();
        if (kept == null) {
            kept = new Output(now, limits);
        }
        kept.reset(now, limits, transcript, destination);
        return kept;
    }

    /** The call is over: the thread may hand this output to its next call, which holds nothing of this one. */
    void close() {
        if (lent && bytes.length <= KEEP_AT_MOST) {
            SCRATCH.giveBack(bytes); // a call that threw before making its transition
        }
        lent = false;
        bytes = NO_BYTES;
        destination = null;
        Arrays.fill(entries, 0, count, null); // the lines and events (a session among them) are the transition's, not the thread's
        if (entries.length > KEEP_ENTRIES_AT_MOST) {
            entries = new Object[8];
            flags = new byte[8];
        }
        count = 0;
        tasks = List.of();
        KEPT.giveBack(this);
    }

    private void reset(Instant now, Limits limits, boolean transcript, ByteBuffer destination) {
        this.now = now;
        this.destination = destination;
        this.written = 0;
        this.transcript = transcript;
        this.maxLines = limits.maxTranscriptLines();
        this.maxChars = limits.maxTranscriptBytes();
        this.lines = 0;
        this.chars = 0;
        this.truncated = false;
        byte[] kept = SCRATCH.borrow();
        this.bytes = kept != null ? kept : new byte[1024];
        this.length = 0;
        this.lent = true;
        this.count = 0; // close() cleared the entries of the call before
        this.flagged = false;
        this.tasks = List.of();
    }

    Instant now() {
        return now;
    }

    @Override
    public void accept(ByteBuffer buffer) {
        int from = buffer.position();
        int n = buffer.remaining();
        int direct = room(n);
        if (direct > 0) {
            int at = destination.position();
            destination.put(at, buffer, from, direct).position(at + direct); // absolute: the buffer stays as it was
            written += direct;
        }
        ensure(n - direct);
        buffer.get(from + direct, bytes, length, n - direct);
        length += n - direct;
    }

    /** How many of {@code n} more bytes go to the destination: as many as it has room for, while nothing overflowed. */
    private int room(int n) {
        return destination == null || length > 0 ? 0 : Math.min(n, destination.remaining());
    }

    /**
     * Writes dialog text as it travels, one byte per character (ISO-8859-1), without a copy of its
     * own. A character beyond ISO-8859-1 becomes {@code '?'}, as {@code getBytes} would make it:
     * cutting it to its low byte could turn U+010A into a line feed.
     */
    void write(String text) {
        int direct = room(text.length());
        for (int i = 0; i < direct; i++) {
            destination.put(isoByte(text.charAt(i)));
        }
        written += direct;
        ensure(text.length() - direct);
        for (int i = direct; i < text.length(); i++) {
            bytes[length++] = isoByte(text.charAt(i));
        }
    }

    private static byte isoByte(char c) {
        return c <= 0xFF ? (byte) c : (byte) '?';
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + more, bytes.length * 2));
        }
    }

    /** Records a line received (without its CRLF), within the transcript bounds. */
    void received(String line, boolean encrypted) {
        if (transcript && fits(1, line.length())) {
            record(line, encrypted ? Transcript.ENCRYPTED : 0);
        }
    }

    /** Records the lines of {@code text} (each ending in CRLF) as sent, within the transcript bounds. */
    void sent(String text, boolean encrypted) {
        if (transcript && fits(lineCount(text), text.length())) {
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
        if (count == entries.length) {
            entries = Arrays.copyOf(entries, count * 2);
            flags = Arrays.copyOf(flags, count * 2);
        }
        entries[count] = entry;
        flags[count] = flag;
        flagged |= flag != 0;
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
     * The transition: it gets its own copy of the bytes that did not go to the destination, and the
     * scratch array goes back to the thread. A flow may go on after this (a read that ended the
     * dialog, then a failure) and call it again; the second transition then holds everything (all
     * the bytes written to the destination in this call are counted in it), and nothing written
     * after the first can reach the first's bytes.
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
            // only once a line is sent or encrypted are there flags to copy: events and plaintext lines received are 0
            transcript = new Transcript(Arrays.copyOf(entries, count), flagged ? Arrays.copyOf(flags, count) : null, now);
        }
        return new Transition(next, exact, written, transcript, tasks.isEmpty() ? List.of() : List.copyOf(tasks));
    }
}
