/**
 * Helpers shared by sessionkit's own packages: session-id and refresh-token formats. Not API:
 * anything here may change in any release.
 */
@NullMarked
package io.sessionkit.internal;

import org.jspecify.annotations.NullMarked;
