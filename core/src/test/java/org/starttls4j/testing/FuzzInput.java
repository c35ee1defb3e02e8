package org.starttls4j.testing;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Reading and writing the fuzz targets' inputs, for the targets of every package. */
public final class FuzzInput {

    private FuzzInput() {
    }

    /**
     * A string of at most {@code max} bytes, decoded as UTF-8: a length, then the bytes. Unlike
     * {@code consumeString} its layout is plain, so {@link Seed#utf8} writes it.
     */
    public static String utf8(FuzzedDataProvider data, int max) {
        return new String(data.consumeBytes(data.consumeInt(0, max)), StandardCharsets.UTF_8);
    }

    /**
     * A fuzz input written in the layout {@link com.code_intelligence.jazzer.api.FuzzedDataProvider}
     * reads: byte strings from the front in order, numbers from the back (the first number read is
     * the last bytes, most significant byte first), as libFuzzer's {@code FuzzedDataProvider} does.
     */
    public static final class Seed {

        private final ByteArrayOutputStream front = new ByteArrayOutputStream();
        private final ByteArrayOutputStream back = new ByteArrayOutputStream();

        /** An empty input. */
        public Seed() {
        }

        /** The value {@code consumeInt(min, max)} is to read. */
        public Seed integer(int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(value + " not in " + min + ".." + max);
            }
            long range = (long) max - min;
            long offset = (long) value - min;
            int octets = 0;
            while (octets < 4 && (range >> (8 * octets)) > 0) {
                octets++;
            }
            for (int i = octets - 1; i >= 0; i--) {
                back.write((int) (offset >> (8 * i)) & 0xff);
            }
            return this;
        }

        /** The value {@code consumeBoolean()} is to read. */
        public Seed bool(boolean value) {
            back.write(value ? 1 : 0);
            return this;
        }

        /** The bytes {@code consumeBytes(n)} is to read, {@code n} being their length. */
        public Seed bytes(byte[] value) {
            front.writeBytes(value);
            return this;
        }

        /** The string {@link FuzzInput#utf8} is to read. */
        public Seed utf8(String value, int max) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            return integer(bytes.length, 0, max).bytes(bytes);
        }

        /** {@link #bytes} of ISO-8859-1 text. */
        public Seed text(String value) {
            return bytes(value.getBytes(StandardCharsets.ISO_8859_1));
        }

        public byte[] toBytes() {
            byte[] numbers = back.toByteArray();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(front.toByteArray());
            for (int i = numbers.length - 1; i >= 0; i--) {
                all.write(numbers[i]);
            }
            return all.toByteArray();
        }
    }
}
