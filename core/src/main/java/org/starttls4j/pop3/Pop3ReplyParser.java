package org.starttls4j.pop3;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.internal.dialog.Read;
import org.starttls4j.text.Framed;
import org.starttls4j.text.LineReader;
import org.starttls4j.text.Received;
import org.starttls4j.text.ResponseParser;

/**
 * Reads POP3 responses (RFC 1939 §3) after the hand-over. Whether a positive response has more
 * lines depends on the command (CAPA, LIST and UIDL without argument, RETR, TOP have; USER, PASS,
 * STAT, DELE, QUIT have not), so the caller says which it expects: {@link #next} reads a one-line
 * response, {@link #multiLine()} one whose {@code +OK} is followed by lines up to a lone
 * {@code "."} (byte stuffing undone). A {@code -ERR} is always one line.
 *
 * <pre>{@code
 * Pop3ReplyParser replies = Pop3ReplyParser.create(Limits.DEFAULT);
 * channel.write(US_ASCII.encode("STAT\r\n"));
 * Received<Pop3Reply> stat = replies.read(channel, buffer);
 * channel.write(US_ASCII.encode("LIST\r\n"));
 * Received<Pop3Reply> list = replies.multiLine().read(channel, buffer);
 * }</pre>
 *
 * <p>Bounded by {@link Limits#maxLineLength()} per line and {@link Limits#maxLinesPerReply()}
 * per response (raise it to read whole messages with RETR). One parser per connection; not
 * thread-safe.
 */
public final class Pop3ReplyParser implements ResponseParser<Pop3Reply> {

    private final LineReader lines;
    private final int maxLines;
    private final ResponseParser<Pop3Reply> multiLine = source -> next(source, true);
    private Pop3ReplyReader reply;
    private Boolean pendingMultiLine;
    private Failure failure;

    private Pop3ReplyParser(Limits limits) {
        this.lines = new LineReader(limits.maxLineLength());
        this.maxLines = limits.maxLinesPerReply();
        this.reply = Pop3ReplyReader.empty(maxLines);
    }

    /**
     * A parser within {@code limits}.
     *
     * @param limits the bounds on line length and lines per response
     * @return a parser between responses
     */
    public static Pop3ReplyParser create(Limits limits) {
        return new Pop3ReplyParser(Objects.requireNonNull(limits, "limits"));
    }

    /**
     * Reads a one-line response ({@code +OK …} or {@code -ERR …}).
     *
     * @param source received bytes, in read mode
     * @return the response, {@link Received.NeedsInput}, or {@link Received.Failed}
     * @throws IllegalStateException when a multi-line response is half read
     */
    @Override
    public Received<Pop3Reply> next(ByteBuffer source) {
        return next(source, false);
    }

    /**
     * This parser reading a response that is multi-line when positive. Same state: use it for
     * the reply to CAPA, LIST, UIDL, RETR or TOP, and the parser itself for the others.
     *
     * @return a view of this parser
     */
    public ResponseParser<Pop3Reply> multiLine() {
        return multiLine;
    }

    private Received<Pop3Reply> next(ByteBuffer source, boolean multi) {
        if (failure == null && pendingMultiLine != null && pendingMultiLine != multi) {
            throw new IllegalStateException("a " + (pendingMultiLine ? "multi-line" : "one-line")
                    + " response is half read; finish it the same way");
        }
        while (failure == null) {
            pendingMultiLine = multi;
            Framed framed = lines.next(source);
            if (framed instanceof Framed.Incomplete) {
                if (!lines.inLine() && !reply.inList()) {
                    pendingMultiLine = null;
                }
                return new Received.NeedsInput<>();
            }
            if (!(framed instanceof Framed.Complete complete)) {
                failure = lines.failure().orElseThrow();
                break;
            }
            if (!multi) {
                pendingMultiLine = null;
                Pop3Reply status = Pop3Reply.parseStatus(complete.line());
                if (status == null) {
                    failure = Failure.of(Failure.Reason.MALFORMED_REPLY, "not a POP3 status line (+OK or -ERR)",
                            complete.line());
                    break;
                }
                return new Received.Complete<>(status);
            }
            Read<Pop3ReplyReader, Pop3Reply> read = reply.accept(complete.line());
            if (read instanceof Read.More<Pop3ReplyReader, Pop3Reply> more) {
                reply = more.next();
            } else if (read instanceof Read.Complete<Pop3ReplyReader, Pop3Reply> done) {
                reply = Pop3ReplyReader.empty(maxLines);
                pendingMultiLine = null;
                return new Received.Complete<>(done.reply());
            } else {
                failure = ((Read.Bad<Pop3ReplyReader, Pop3Reply>) read).failure();
            }
        }
        return new Received.Failed<>(failure);
    }
}
