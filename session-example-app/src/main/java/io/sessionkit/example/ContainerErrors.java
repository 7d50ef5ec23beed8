package io.sessionkit.example;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The contract's error body for the errors Tomcat answers itself, before a request reaches the
 * application or its {@code /error} page: a request line or header that cannot be parsed, headers
 * over the size limit, an encoded NUL in the path. Tomcat's own error page is HTML; this replaces
 * the host's error report valve with one that writes {@code {"error","message"}} as JSON.
 */
@Component
class ContainerErrors
    implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

  @Override
  public void customize(ConfigurableTomcatWebServerFactory factory) {
    // runs after Boot's own customizer, which adds a plain ErrorReportValve to the host
    factory.addContextCustomizers(
        context -> {
          Container host = context.getParent();
          for (Valve valve : host.getPipeline().getValves()) {
            if (valve instanceof ErrorReportValve && !(valve instanceof JsonErrorReportValve)) {
              host.getPipeline().removeValve(valve);
            }
          }
          host.getPipeline().addValve(new JsonErrorReportValve());
          if (host instanceof StandardHost standard) {
            // else the host adds its default valve at start, since none of that class is present
            standard.setErrorReportValveClass(JsonErrorReportValve.class.getName());
          }
        });
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }

  /** Writes the JSON error body where Tomcat would write its HTML error page. */
  static final class JsonErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
      int status = response.getStatus();
      // as the base class: nothing for a success, a body already written, or an error reported
      if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
        return;
      }
      AtomicBoolean ioAllowed = new AtomicBoolean(true);
      response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
      if (!ioAllowed.get()) {
        return;
      }
      HttpStatus resolved = HttpStatus.resolve(status);
      String body =
          ApiErrors.json(
              resolved == null ? HttpStatus.BAD_REQUEST : resolved,
              ApiErrors.containerMessage(resolved == null ? HttpStatus.BAD_REQUEST : resolved));
      try {
        SecurityHeaders.apply(response);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        Writer writer = response.getReporter();
        if (writer != null) {
          writer.write(body);
          response.finishResponse();
        }
      } catch (IOException | IllegalStateException e) {
        // the connection is gone or the response committed: nothing more can be said
      }
    }
  }
}
