/**
 * Test support that other modules reuse through session-core's test-jar. {@link
 * io.sessionkit.testing.RedisServer} provides a Redis from {@code REDIS_URL}, Testcontainers or a
 * private {@code redis-server} process that fault tests can pause, stop and restart, and {@link
 * io.sessionkit.testing.RedisExtension} shares one per test run; the support talks to Redis over a
 * plain socket, never through the code under test. The other classes are test doubles, such as a
 * clock that tests move by hand. Everything is non-null unless marked otherwise.
 */
@NullMarked
package io.sessionkit.testing;

import org.jspecify.annotations.NullMarked;
