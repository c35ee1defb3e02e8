package org.starttls4j.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import org.starttls4j.Failure;

/**
 * Reads a server's responses from the bytes that follow the hand-over, one complete response at
 * a time, within bounds (a line too long, a reply of too many lines, a literal too large is a
 * {@link Received.Failed}, never a larger buffer). One parser per connection and direction; it keeps
 * the part of a response that has arrived so far, so it is not thread-safe.
 *
 * <p>Sans-I/O: {@link #next(ByteBuffer)} takes whatever bytes the caller has (decrypted by a
 * {@link org.starttls4j.SecureSession}, read from a channel of either adapter, or from a Netty
 * {@code ByteBuf}'s NIO view). {@link #read} is the blocking loop around it for any
 * {@link ReadableByteChannel}: {@link org.starttls4j.SecureByteChannel}, the NIO adapter's
 * channels, a plain socket.
 *
 * @param <T> the response type
 */
public interface ResponseParser<T> {

    /**
     * Parses from {@code source} until one response is complete or {@code source} is empty.
     * Bytes after the response stay in {@code source} for the next call.
     *
     * @param source received bytes, in read mode; its position advances past what was taken
     * @return the response, {@link Received.NeedsInput} when {@code source} ran out first (all of it
     *         was taken), or {@link Received.Failed}
     */
    Received<T> next(ByteBuffer source);

    /**
     * Reads from a blocking channel until one response is complete: first from what
     * {@code buffer} holds, then from {@code channel} into {@code buffer}. Bytes after the
     * response stay in {@code buffer} (in read mode) for the next call.
     *
     * @param channel a channel in blocking mode
     * @param buffer  received bytes not yet parsed, in read mode (empty at first); any capacity
     * @return {@link Received.Complete} or {@link Received.Failed} ({@code PEER_CLOSED} when the
     *         stream ends first); {@link Received.NeedsInput} only when a non-blocking channel had
     *         nothing to read
     * @throws IOException when reading fails
     */
    default Received<T> read(ReadableByteChannel channel, ByteBuffer buffer) throws IOException {
        while (true) {
            Received<T> parsed = next(buffer);
            if (!(parsed instanceof Received.NeedsInput)) {
                return parsed;
            }
            buffer.clear();
            int read = channel.read(buffer);
            buffer.flip();
            if (read < 0) {
                return new Received.Failed<>(Failure.of(Failure.Reason.PEER_CLOSED,
                        "the connection ended before the response was complete"));
            }
            if (read == 0) {
                return parsed;
            }
        }
    }
}
