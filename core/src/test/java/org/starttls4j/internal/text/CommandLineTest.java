package org.starttls4j.internal.text;

import static org.assertj.core.api.Assertions.assertThat;

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
}
