/**
 * The test harness every module's tests share, and nothing about sessionkit itself: {@link
 * io.sessionkit.testing.RedisServer} (a Redis from {@code REDIS_URL}, Testcontainers or a private
 * {@code redis-server} that fault tests can pause, stop and restart) and {@link
 * io.sessionkit.testing.RedisExtension} (a shared or a per-class server for JUnit), {@link
 * io.sessionkit.testing.TcpProxy} (a network that drops or black-holes), {@link
 * io.sessionkit.testing.RawHttp} (requests byte for byte), {@link
 * io.sessionkit.testing.CookieClient} (an HTTP client with a cookie jar), {@link
 * io.sessionkit.testing.Await} (polling with a deadline) and {@link
 * io.sessionkit.testing.MutableClock} (time moved by hand). The harness talks to Redis over a plain
 * socket and to HTTP with the JDK, never through the code under test, so that it keeps working
 * while that code is broken. Everything is non-null unless marked otherwise.
 */
@NullMarked
package io.sessionkit.testing;

import org.jspecify.annotations.NullMarked;
