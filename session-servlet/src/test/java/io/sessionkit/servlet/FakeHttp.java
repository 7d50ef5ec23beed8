package io.sessionkit.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimal request and response doubles for unit tests of code that only reads headers and the peer
 * address, or only writes headers. Anything else they are asked throws.
 */
final class FakeHttp {

  private FakeHttp() {}

  /**
   * A request from {@code remoteAddr} with headers given as name, value pairs, addressed to {@code
   * https://app.example} (port 443); the pseudo-header {@code :path} sets its request URI.
   */
  static HttpServletRequest request(String remoteAddr, String... headers) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      map.computeIfAbsent(headers[i].toLowerCase(), k -> new ArrayList<>()).add(headers[i + 1]);
    }
    return (HttpServletRequest)
        Proxy.newProxyInstance(
            FakeHttp.class.getClassLoader(),
            new Class<?>[] {HttpServletRequest.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getRemoteAddr" -> remoteAddr;
                  case "getScheme" -> "https";
                  case "getServerName" -> "app.example";
                  case "getServerPort" -> 443;
                  case "getRequestURI" -> {
                    List<String> values = map.get(":path");
                    yield values == null ? "/" : values.get(0);
                  }
                  case "getHeader" -> {
                    List<String> values = map.get(((String) args[0]).toLowerCase());
                    yield values == null ? null : values.get(0);
                  }
                  case "getHeaders" ->
                      Collections.enumeration(
                          map.getOrDefault(((String) args[0]).toLowerCase(), List.of()));
                  case "toString" -> "FakeRequest";
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  /** A response that records headers. */
  static final class Response {
    final Map<String, List<String>> headers = new LinkedHashMap<>();

    final HttpServletResponse proxy =
        (HttpServletResponse)
            Proxy.newProxyInstance(
                FakeHttp.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class},
                (p, method, args) ->
                    switch (method.getName()) {
                      case "addHeader" -> {
                        headers
                            .computeIfAbsent((String) args[0], k -> new ArrayList<>())
                            .add((String) args[1]);
                        yield null;
                      }
                      case "setHeader" -> {
                        headers.put((String) args[0], new ArrayList<>(List.of((String) args[1])));
                        yield null;
                      }
                      case "containsHeader" -> headers.containsKey((String) args[0]);
                      case "toString" -> "FakeResponse";
                      default -> throw new UnsupportedOperationException(method.getName());
                    });

    List<String> all(String name) {
      return headers.getOrDefault(name, List.of());
    }
  }
}
