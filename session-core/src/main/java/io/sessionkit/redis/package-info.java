/**
 * {@link io.sessionkit.redis.RedisSessionStore}: the session store for any number of instances, on
 * Redis through Lettuce. The data layout is described in {@code docs/redis-layout.md}.
 */
@NullMarked
package io.sessionkit.redis;

import org.jspecify.annotations.NullMarked;
