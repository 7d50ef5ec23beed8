/**
 * The built-in {@link io.sessionkit.TokenService}: {@link io.sessionkit.jwt.JwtTokenService} issues
 * and verifies HS256-signed JWT access tokens, with {@link io.sessionkit.jwt.SigningKey}s
 * identified by a key id ({@code kid}) so keys can be rotated without logging anyone out. jjwt is
 * used inside this package only; no jjwt type appears in its public signatures. Everything is
 * non-null unless marked otherwise.
 */
@NullMarked
package io.sessionkit.jwt;

import org.jspecify.annotations.NullMarked;
