/**
 * The servlet adapter: {@link io.sessionkit.servlet.SessionAuthenticationFilter} checks every
 * request's access token against its session and exposes the caller to the application, {@link
 * io.sessionkit.servlet.SessionEndpoints} answers refresh, logout, logout-all and the device list,
 * and {@link io.sessionkit.servlet.SessionCookies}, {@link io.sessionkit.servlet.PathRules} and
 * {@link io.sessionkit.servlet.ClientInfoResolver} are the immutable settings both share. Runs on
 * any Servlet 6 container. Everything is non-null unless marked otherwise.
 */
@NullMarked
package io.sessionkit.servlet;

import org.jspecify.annotations.NullMarked;
