package io.sessionkit.example;

import io.sessionkit.spring.SessionKitProperties;
import java.time.Duration;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * CORS for front ends on the origins of {@code ALLOWED_ORIGINS}: the same list that may make
 * cookie-authenticated unsafe requests may call the API from a browser, with cookies. The starter
 * applies this bean ahead of its own filters, so its endpoints and its 401s carry the headers too.
 * Without {@code ALLOWED_ORIGINS} no path has a CORS configuration.
 */
@Configuration(proxyBeanMethods = false)
class CorsSettings {

  @Bean
  CorsConfigurationSource corsConfigurationSource(SessionKitProperties properties) {
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    List<String> origins = properties.getAllowedOrigins();
    if (!origins.isEmpty()) {
      CorsConfiguration api = new CorsConfiguration();
      api.setAllowedOrigins(origins);
      api.setAllowedMethods(List.of("GET", "POST", "DELETE"));
      api.setAllowedHeaders(List.of("Content-Type", "Authorization"));
      api.setAllowCredentials(true);
      api.setMaxAge(Duration.ofMinutes(10));
      source.registerCorsConfiguration("/api/**", api);
    }
    return source;
  }
}
