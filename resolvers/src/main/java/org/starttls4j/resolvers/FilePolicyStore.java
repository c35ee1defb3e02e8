package org.starttls4j.resolvers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.starttls4j.mtasts.StsPolicy;

/**
 * A {@link PolicyStore} in one text file, replaced atomically on each save (written beside it,
 * then moved over it), so that a crash leaves either the old or the new cache, never half of one.
 *
 * <p>The format, version 1: US-ASCII lines ending in LF. The first line is
 * {@value #HEADER}; each further line is one domain's policy, oldest fetch first:
 * <pre>
 * &lt;domain&gt; SP &lt;id&gt; SP &lt;fetched at, seconds since 1970 UTC&gt; SP &lt;policy, as its text in UTF-8, Base64&gt;
 * example.com 20260101T010203 1796083200 dmVyc2lvbjogU1RTdjEKbW9kZTogZW5mb3JjZQpte...
 * </pre>
 * The policy text is what {@link StsPolicy#toText()} writes and is parsed again on load, with the
 * parser's checks and limits. A line that does not read back (a bad domain or id, a policy that no
 * longer parses) is skipped alone; a file with another first line is ignored whole.
 *
 * <p>Bounded: a load reads at most {@code maxBytes} (and only the whole lines in them); a save
 * leaves out the oldest policies until the file fits in {@code maxBytes}. The number of policies
 * is the resolver's number of domains.
 */
public final class FilePolicyStore implements PolicyStore {

    /** The first line of a version 1 file. */
    public static final String HEADER = "starttls4j-mta-sts-cache 1";

    /** The default bound on the file: 16 MiB, some 50,000 typical policies. */
    public static final int DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9_]([a-z0-9_.-]{0,251}[a-z0-9])?");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,32}");

    private final Path file;
    private final int maxBytes;

    private FilePolicyStore(Path file, int maxBytes) {
        this.file = Objects.requireNonNull(file, "file");
        if (maxBytes < HEADER.length() + 1) {
            throw new IllegalArgumentException("maxBytes too small for the header: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /**
     * A store in this file, at most {@link #DEFAULT_MAX_BYTES} long.
     *
     * @param file the file; it and its directory are created on the first save
     * @return the store
     */
    public static FilePolicyStore at(Path file) {
        return new FilePolicyStore(file, DEFAULT_MAX_BYTES);
    }

    /**
     * A store in this file, at most {@code maxBytes} long.
     *
     * @param file     the file; it and its directory are created on the first save
     * @param maxBytes the bound on the file
     * @return the store
     * @throws IllegalArgumentException if {@code maxBytes} cannot hold even the header
     */
    public static FilePolicyStore at(Path file, int maxBytes) {
        return new FilePolicyStore(file, maxBytes);
    }

    @Override
    public List<CachedPolicy> load() throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(maxBytes);
        } catch (NoSuchFileException none) {
            return List.of();
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        int end = text.lastIndexOf('\n');
        List<CachedPolicy> policies = new ArrayList<>();
        if (end < 0) {
            return policies;
        }
        String[] lines = text.substring(0, end).split("\n", -1);
        if (!lines[0].equals(HEADER)) {
            return policies;
        }
        for (int i = 1; i < lines.length; i++) {
            CachedPolicy p = read(lines[i]);
            if (p != null) {
                policies.add(p);
            }
        }
        return policies;
    }

    /** One line, or null when it does not read back. */
    static CachedPolicy read(String line) {
        String[] f = line.split(" ", -1);
        if (f.length != 4 || !DOMAIN.matcher(f[0]).matches() || !ID.matcher(f[1]).matches()
                || f[2].isEmpty() || f[2].length() > 12 || !f[2].chars().allMatch(c -> c >= '0' && c <= '9')
                || f[3].length() > (StsPolicy.MAX_BYTES / 3 + 1) * 4) {
            return null;
        }
        byte[] body;
        try {
            body = Base64.getDecoder().decode(f[3]);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
        return StsPolicy.parse(body).valid()
                .map(policy -> new CachedPolicy(f[0], policy, f[1], Instant.ofEpochSecond(Long.parseLong(f[2]))))
                .orElse(null);
    }

    /** One line for a policy, without its LF. */
    static String write(CachedPolicy p) {
        return p.domain() + " " + p.id() + " " + p.fetchedAt().getEpochSecond() + " "
                + Base64.getEncoder().encodeToString(p.policy().toText().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void save(List<CachedPolicy> policies) throws IOException {
        List<String> lines = new ArrayList<>();
        long size = HEADER.length() + 1;
        // newest first, so that the oldest are the ones that do not fit
        for (int i = policies.size() - 1; i >= 0; i--) {
            String line = write(policies.get(i));
            if (size + line.length() + 1 > maxBytes) {
                break;
            }
            lines.add(line);
            size += line.length() + 1;
        }
        StringBuilder out = new StringBuilder((int) size).append(HEADER).append('\n');
        for (int i = lines.size() - 1; i >= 0; i--) {
            out.append(lines.get(i)).append('\n');
        }
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".new");
        Files.write(temporary, out.toString().getBytes(StandardCharsets.US_ASCII));
        try {
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public String toString() {
        return "FilePolicyStore[" + file + ", at most " + maxBytes + " bytes]";
    }
}
