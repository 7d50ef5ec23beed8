package io.sessionkit.benchmarks.springsession;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The app's one setting of its own.
 *
 * @param password the password every user logs in with
 */
@ConfigurationProperties("bench")
record BenchProperties(String password) {}
