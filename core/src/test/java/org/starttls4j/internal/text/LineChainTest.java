package org.starttls4j.internal.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class LineChainTest {

    @Property(tries = 200)
    void aChainHoldsItsLinesInOrderAndAnOlderChainNeverChanges(@ForAll @Size(max = 30) List<String> lines,
            @ForAll @Size(max = 5) List<String> more) {
        LineChain chain = null;
        for (String line : lines) {
            chain = LineChain.append(chain, line);
        }
        LineChain older = chain;
        LineChain branch = older;
        for (String line : more) {
            branch = LineChain.append(branch, line);
        }

        assertThat(LineChain.toList(older)).containsExactlyElementsOf(lines);
        assertThat(LineChain.size(older)).isEqualTo(lines.size());
        assertThat(LineChain.size(branch)).isEqualTo(lines.size() + more.size());
        assertThat(LineChain.toList(branch).subList(0, lines.size())).containsExactlyElementsOf(lines);
        List<String> list = LineChain.toList(branch);
        assertThatThrownBy(() -> list.add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
