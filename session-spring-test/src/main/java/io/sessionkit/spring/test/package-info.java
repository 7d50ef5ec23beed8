/**
 * Test helpers for applications that use sessionkit: {@link
 * io.sessionkit.spring.test.SessionKitMockMvc} sends the access token of a real session with a
 * MockMvc request; {@link io.sessionkit.spring.test.WithSessionKitPrincipal} runs a test as a
 * {@code SessionKitPrincipal} without one. Everything is non-null unless marked otherwise.
 */
@NullMarked
package io.sessionkit.spring.test;

import org.jspecify.annotations.NullMarked;
