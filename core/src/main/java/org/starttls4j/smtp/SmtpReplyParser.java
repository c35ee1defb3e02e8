package org.starttls4j.smtp;

import java.nio.ByteBuffer;
import org.starttls4j.Failure;
import org.starttls4j.Limits;
import org.starttls4j.text.Framed;
import org.starttls4j.text.LineReader;
import org.starttls4j.text.Received;
import org.starttls4j.text.ResponseParser;

/**
 * Reads SMTP replies (RFC 5321 §4.2) after the hand-over: the answers to the commands an
 * application sends inside TLS, with the same syntax checks as the negotiation (a three-digit
 * code, {@code '-'} between the lines of a multi-line reply, one code for all its lines).
 *
 * <pre>{@code
 * SmtpReplyParser replies = SmtpReplyParser.create(Limits.DEFAULT);
 * channel.write(US_ASCII.encode("MAIL FROM:<a@example.org>\r\n"));
 * Received<SmtpReply> reply = replies.read(channel, buffer);   // or replies.next(decryptedBytes)
 * }</pre>
 *
 * <p>Bounded by {@link Limits#maxLineLength()} per line and {@link Limits#maxLinesPerReply()}
 * per reply. One parser per connection; not thread-safe.
 */
public final class SmtpReplyParser implements ResponseParser<SmtpReply> {

    private final LineReader lines;
    private final int maxLines;
    private SmtpReplyReader reply;
    private Failure failure;

    private SmtpReplyParser(Limits limits) {
        this.lines = new LineReader(limits.maxLineLength());
        this.maxLines = limits.maxLinesPerReply();
        this.reply = SmtpReplyReader.empty(maxLines);
    }

    /**
     * A parser within {@code limits}.
     *
     * @param limits the bounds on line length and lines per reply
     * @return a parser between replies
     */
    public static SmtpReplyParser create(Limits limits) {
        return new SmtpReplyParser(java.util.Objects.requireNonNull(limits, "limits"));
    }

    @Override
    public Received<SmtpReply> next(ByteBuffer source) {
        while (failure == null) {
            Framed framed = lines.next(source);
            if (framed instanceof Framed.Incomplete) {
                return new Received.NeedsInput<>();
            }
            if (!(framed instanceof Framed.Complete complete)) {
                failure = lines.failure().orElseThrow();
                break;
            }
            SmtpReplyReader.Read read = reply.accept(complete.line());
            if (read instanceof SmtpReplyReader.More more) {
                reply = more.next();
            } else if (read instanceof SmtpReplyReader.Complete done) {
                reply = reply.fresh();
                return new Received.Complete<>(done.reply());
            } else {
                failure = ((SmtpReplyReader.Bad) read).failure();
            }
        }
        return new Received.Failed<>(failure);
    }
}
