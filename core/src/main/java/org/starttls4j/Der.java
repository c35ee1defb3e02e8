package org.starttls4j;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough DER (X.690) to read the key structures OpenSSL writes and to wrap them as PKCS#8:
 * definite lengths, no indefinite forms, bounds checked against the enclosing element.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;

    /**
     * One element.
     *
     * @param tag     its identifier octet
     * @param content its content octets
     * @param encoded the whole element, tag and length included
     */
    record Element(int tag, byte[] content, byte[] encoded) {

        /** The elements inside a constructed element (a SEQUENCE or a [n] context tag). */
        List<Element> children() {
            List<Element> out = new ArrayList<>();
            int at = 0;
            while (at < content.length) {
                Element e = read(content, at);
                out.add(e);
                at += e.encoded.length;
            }
            return out;
        }

        /** An OBJECT IDENTIFIER's dotted form. */
        String oid() {
            if (tag != OID || content.length == 0) {
                throw new IllegalArgumentException("not an object identifier");
            }
            StringBuilder s = new StringBuilder();
            long value = 0;
            for (int i = 0; i < content.length; i++) {
                value = (value << 7) | (content[i] & 0x7f);
                if ((content[i] & 0x80) == 0) {
                    if (s.length() == 0) {
                        int first = (int) Math.min(value / 40, 2);
                        s.append(first).append('.').append(value - first * 40L);
                    } else {
                        s.append('.').append(value);
                    }
                    value = 0;
                }
            }
            return s.toString();
        }
    }

    private Der() {
    }

    /** Reads the element that starts at {@code from}. */
    static Element read(byte[] der, int from) {
        if (from + 2 > der.length) {
            throw new IllegalArgumentException("DER ends inside an element header");
        }
        int tag = der[from] & 0xff;
        int first = der[from + 1] & 0xff;
        int at = from + 2;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int octets = first & 0x7f;
            if (octets == 0 || octets > 4 || at + octets > der.length) {
                throw new IllegalArgumentException("unsupported DER length");
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (der[at++] & 0xff);
            }
        }
        if (length > der.length - at) {
            throw new IllegalArgumentException("a DER element longer than what holds it");
        }
        int end = at + (int) length;
        byte[] content = java.util.Arrays.copyOfRange(der, at, end);
        byte[] encoded = java.util.Arrays.copyOfRange(der, from, end);
        return new Element(tag, content, encoded);
    }

    /** Reads {@code der}, which must be exactly one element. */
    static Element readWhole(byte[] der) {
        Element e = read(der, 0);
        if (e.encoded.length != der.length) {
            throw new IllegalArgumentException("bytes after the DER element");
        }
        return e;
    }

    /** An element of {@code tag} around {@code parts}, concatenated. */
    static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.writeBytes(part);
        }
        int n = content.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }
}
