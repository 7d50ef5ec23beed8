/**
 * JMH benchmarks of the request hot path, written against the public API only: token verification
 * ({@code JwtTokenService.verify}) and {@code SessionManager.authenticate} on each store. Redis
 * benchmarks start a private {@code redis-server} on a free loopback port and stop it afterwards.
 */
@NullMarked
package io.sessionkit.benchmarks.jmh;

import org.jspecify.annotations.NullMarked;
