/**
 * Spring Boot auto-configuration for sessionkit: {@link
 * io.sessionkit.spring.SessionKitAutoConfiguration} builds the session store, token service and
 * {@link io.sessionkit.SessionManager} from {@link io.sessionkit.spring.SessionKitProperties},
 * registers the servlet filters, and, when their libraries are present, bridges sessions into
 * Spring Security ({@link io.sessionkit.spring.SessionKitAuthenticationToken}), reports health and
 * records Micrometer metrics ({@link io.sessionkit.spring.SessionKitMetrics}). Every bean can be
 * replaced by one of the application's own. Everything is non-null unless marked otherwise.
 */
@NullMarked
package io.sessionkit.spring;

import org.jspecify.annotations.NullMarked;
