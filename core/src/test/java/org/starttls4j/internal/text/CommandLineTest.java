package org.starttls4j.internal.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Command lines of the untagged protocols, split at their first space. */
class CommandLineTest {

    @Test
    void aCommandAloneHasNoArguments() {
        CommandLine quit = CommandLine.parse("quit");
        assertThat(quit).isEqualTo(new CommandLine("QUIT", ""));
        assertThat(quit.hasArguments()).isFalse();
    }

    @Test
    void theArgumentsAreWhatFollowsTheFirstSpaceTrimmed() {
        CommandLine ehlo = CommandLine.parse("ehlo  client.example ");
        assertThat(ehlo).isEqualTo(new CommandLine("EHLO", "client.example"));
        assertThat(ehlo.hasArguments()).isTrue();
    }

    @Test
    void aLineStartingWithASpaceHasAnEmptyName() {
        assertThat(CommandLine.parse(" starttls")).isEqualTo(new CommandLine("", "starttls"));
    }

    @Property(tries = 2000)
    void theSplitIsTheSubstringsAndTrimItWas(@ForAll @StringLength(max = 16) @CharRange(from = 0, to = 0xff) String tail,
                                             @ForAll("names") String name) {
        for (String line : new String[] {name + tail, name, tail, name + " " + tail, tail + " " + name}) {
            int space = line.indexOf(' ');
            CommandLine expected = space < 0 ? new CommandLine(line.toUpperCase(Locale.ROOT), "")
                    : new CommandLine(line.substring(0, space).toUpperCase(Locale.ROOT), line.substring(space + 1).trim());
            assertThat(CommandLine.parse(line)).as(line).isEqualTo(expected);
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> names() {
        return net.jqwik.api.Arbitraries.of("ehlo", "EHLO", "StartTls", "STARTTLS", "stls", "quit", "PAß", "pass", "capabilities",
                "CAPA", "x", "", "AUTHENTICATE", "ÿ", "lhlo");
    }

    @Test
    void aKnownNameIsOneStringWhateverItsCase() {
        assertThat(CommandLine.parse("ehlo a").name()).isSameAs(CommandLine.parse("EHLO b").name());
        assertThat(CommandLine.parse("Starttls").name()).isSameAs(CommandLine.parse("STARTTLS").name()).isEqualTo("STARTTLS");
    }
}
