/**
 * {@link io.sessionkit.memory.InMemorySessionStore}: the embedded session store for a single node
 * and for tests, with the same semantics as the Redis store.
 */
@NullMarked
package io.sessionkit.memory;

import org.jspecify.annotations.NullMarked;
