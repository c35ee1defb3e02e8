package org.starttls4j;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Base64;
import java.util.List;

/**
 * Reading certificates and keys from PEM ({@link Pem}) and the DER inside it ({@link Der}):
 * files an operator points the server at, which may be anything. Whatever the text, the only
 * exception is the documented {@link IllegalArgumentException}; a certificate list, when there
 * is one, is not empty. The fuzzer writes either raw text or a well-formed PEM block around DER
 * bytes of its choice, so that the DER reader (lengths, nesting, the PKCS#1 and SEC 1 key forms)
 * sees arbitrary encodings rather than base64 errors.
 */
class PemFuzzTest {

    static final List<String> LABELS = List.of("CERTIFICATE", "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY");
    static final int MAX_DEPTH = 8;

    @FuzzTest(maxDuration = "2m")
    void pemAndDer(FuzzedDataProvider data) {
        String text;
        byte[] der = null;
        if (data.consumeBoolean()) {
            text = new String(data.consumeRemainingAsBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } else {
            String label = data.pickValue(LABELS);
            der = data.consumeRemainingAsBytes();
            text = "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                    + "\n-----END " + label + "-----\n";
        }
        try {
            if (Pem.certificates(text).isEmpty()) {
                throw new AssertionError("an empty certificate list");
            }
        } catch (IllegalArgumentException expected) {
            // documented: no certificate, or a broken one
        }
        try {
            if (Pem.privateKey(text) == null) {
                throw new AssertionError("a null key");
            }
        } catch (IllegalArgumentException expected) {
            // documented: no usable key
        }
        if (der != null) {
            try {
                walk(Der.readWhole(der), 0);
            } catch (IllegalArgumentException expected) {
                // the reader's one way to refuse an encoding
            }
        }
    }

    private static void walk(Der.Element element, int depth) {
        if (element.encoded().length < 2 + element.content().length) {
            throw new AssertionError("an element shorter than its content and header");
        }
        if (depth < MAX_DEPTH && (element.tag() & 0x20) != 0) {
            for (Der.Element child : element.children()) {
                walk(child, depth + 1);
            }
        }
        if (element.tag() == Der.OID) {
            element.oid();
        }
    }
}
