/**
 * The sessionkit API: the {@link io.sessionkit.SessionManager} facade that adapters call, the
 * {@link io.sessionkit.SessionStore} and {@link io.sessionkit.TokenService} roles it is built from,
 * and the immutable values and typed results they exchange. Nothing here names Lettuce, jjwt,
 * servlet or Spring types. Everything is non-null unless marked otherwise.
 */
@NullMarked
package io.sessionkit;

import org.jspecify.annotations.NullMarked;
