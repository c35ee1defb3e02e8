package org.starttls4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed seeds of the fuzz targets are the conversations {@link FuzzSeeds} spells out,
 * byte for byte: a seed edited by hand, or a change to a target's input layout without new seeds,
 * shows here. {@code -Dfuzz.seeds.write=true} writes them instead (then commit the files). Files
 * in the same directories that {@link FuzzSeeds} does not name are crash reproducers, kept as they
 * were found.
 */
class FuzzSeedsTest {

    static final Path RESOURCES = Path.of("src/test/resources");

    @Test
    void theCommittedSeedsAreTheConversationsTheyName() throws IOException {
        boolean write = Boolean.getBoolean("fuzz.seeds.write");
        for (Map.Entry<String, Map<String, byte[]>> target : FuzzSeeds.all().entrySet()) {
            Path dir = RESOURCES.resolve(target.getKey());
            if (write) {
                Files.createDirectories(dir);
            }
            for (Map.Entry<String, byte[]> seed : target.getValue().entrySet()) {
                Path file = dir.resolve(seed.getKey());
                if (write) {
                    Files.write(file, seed.getValue());
                }
                assertThat(file).as("the seed %s", file).exists();
                assertThat(Files.readAllBytes(file)).as("the seed %s", file).isEqualTo(seed.getValue());
            }
        }
    }

    @Test
    void theSeedsMadeOfTheTestPkiAreThere() throws IOException {
        boolean write = Boolean.getBoolean("fuzz.seeds.write");
        for (Map.Entry<String, Map<String, byte[]>> target : FuzzSeeds.once().entrySet()) {
            for (Map.Entry<String, byte[]> seed : target.getValue().entrySet()) {
                Path file = RESOURCES.resolve(target.getKey()).resolve(seed.getKey());
                if (write && !Files.exists(file)) {
                    Files.createDirectories(file.getParent());
                    Files.write(file, seed.getValue());
                }
                assertThat(file).as("the seed %s", file).isNotEmptyFile();
            }
        }
    }
}
