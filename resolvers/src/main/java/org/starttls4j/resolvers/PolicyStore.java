package org.starttls4j.resolvers;

import java.io.IOException;
import java.util.List;

/**
 * Where {@link MtaStsResolver} keeps its cached policies across restarts (RFC 8461 §5.1: a
 * policy must survive a restart, or an attacker only has to wait for one to strip it).
 * {@link FilePolicyStore} keeps them in one file; {@link #inMemory()} keeps nothing.
 *
 * <p>The resolver calls {@link #load()} once, when it is made, and {@link #save} with the whole
 * cache (at most its number of domains) after each change, from one thread at a time.
 */
public interface PolicyStore {

    /**
     * The policies saved last.
     *
     * @return them, oldest fetch first; entries that cannot be read are left out
     * @throws IOException if the store cannot be read at all
     */
    List<CachedPolicy> load() throws IOException;

    /**
     * Replaces what is saved.
     *
     * @param policies the whole cache, oldest fetch first
     * @throws IOException if the store cannot be written; what was saved before stays
     */
    void save(List<CachedPolicy> policies) throws IOException;

    /**
     * A store that keeps nothing: the cache lives as long as the resolver.
     *
     * @return the store
     */
    static PolicyStore inMemory() {
        return new PolicyStore() {
            @Override
            public List<CachedPolicy> load() {
                return List.of();
            }

            @Override
            public void save(List<CachedPolicy> policies) {
                // nothing kept
            }
        };
    }
}
