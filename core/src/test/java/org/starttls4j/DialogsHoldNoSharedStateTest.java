package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.starttls4j.smtp.PreparedSmtpServer;

/**
 * Dialogs are pure: no mutable static state in any dialog class or the classes nested in it (a
 * cache shared between connections belongs in an explicit value such as {@link PreparedSmtpServer}).
 */
class DialogsHoldNoSharedStateTest {

    @Test
    void noDialogHasAStaticFieldThatCanChange() throws Exception {
        List<Class<?>> dialogs = dialogClasses();
        assertThat(dialogs).as("the walk found the dialogs").hasSizeGreaterThanOrEqualTo(12);

        List<String> mutable = new ArrayList<>();
        for (Class<?> dialog : dialogs) {
            collectMutableStatics(dialog, mutable);
        }
        assertThat(mutable).isEmpty();
    }

    @Test
    void thePreparedServerSharesOneAnnouncementBetweenItsNegotiations() {
        ServerConfig config = ServerConfig.builder().policy(TlsPolicy.PLAINTEXT_ONLY)
                .capabilitiesBeforeTls(Capabilities.fromLines(List.of("PIPELINING", "AUTH PLAIN"))).build();
        PreparedSmtpServer prepared = PreparedSmtpServer.of(config);

        assertThat(prepared.announcedBeforeTls()).isSameAs(prepared.announcedBeforeTls());
        assertThat(prepared.announcedBeforeTls().list()).extracting(Capability::name).containsExactly("PIPELINING");
        String first = ehloReply(prepared.negotiation());
        String second = ehloReply(prepared.negotiation());
        assertThat(first).isEqualTo(second).isEqualTo("250-localhost greets c\r\n250 PIPELINING\r\n");
    }

    private static String ehloReply(Negotiation negotiation) {
        Transition greeted = negotiation.begin(java.time.Instant.EPOCH);
        Transition answered = greeted.next().onReceived(java.nio.ByteBuffer.wrap("EHLO c\r\n".getBytes(
                java.nio.charset.StandardCharsets.US_ASCII)), java.time.Instant.EPOCH);
        byte[] out = new byte[answered.outbound().remaining()];
        answered.outbound().get(out);
        return new String(out, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static void collectMutableStatics(Class<?> type, List<String> into) {
        for (Field f : type.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isStatic(m) && !f.isSynthetic() && (!Modifier.isFinal(m) || Modifier.isVolatile(m))) {
                into.add(type.getName() + "." + f.getName());
            }
        }
        for (Class<?> nested : type.getDeclaredClasses()) {
            collectMutableStatics(nested, into);
        }
    }

    private static List<Class<?>> dialogClasses() throws Exception {
        Path classes = Path.of(Failure.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> found = new ArrayList<>();
        try (var files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = classes.relativize(f).toString();
                if (!name.endsWith(".class") || name.contains("$") || name.endsWith("module-info.class")
                        || name.endsWith("package-info.class")) {
                    continue;
                }
                Class<?> c = Class.forName(name.substring(0, name.length() - 6).replace(f.getFileSystem().getSeparator(), "."),
                        false, DialogsHoldNoSharedStateTest.class.getClassLoader());
                if (ClientDialog.class.isAssignableFrom(c) || ServerDialog.class.isAssignableFrom(c)) {
                    found.add(c);
                }
            }
        }
        return found;
    }
}
