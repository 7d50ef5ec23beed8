package io.sessionkit.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback TCP proxy in front of a server (a Redis, usually), so that a test can break the
 * network between a client and the server while the server itself stays healthy.
 *
 * <p>{@link #start(int)} listens on a free port of {@code 127.0.0.1}; clients connect to {@link
 * #uri()} instead of the server. The proxy is in one of three modes:
 *
 * <ul>
 *   <li>{@link #pass()} (the initial mode): every connection is forwarded, byte for byte, both
 *       ways, to the target port on {@code 127.0.0.1}.
 *   <li>{@link #drop()}: every open connection is closed at once with a TCP reset, and every new
 *       one is reset right after it is accepted, as when a server, a load balancer or a firewall
 *       drops connections. Clients see "connection reset" and can tell at once.
 *   <li>{@link #blackhole()}: connections stay open and new ones are accepted, but nothing is
 *       forwarded in either direction; bytes are read and discarded. This is a silent network drop:
 *       the client sees no error, its requests just never get an answer.
 * </ul>
 *
 * <p>A black-holed connection stays black-holed for good, even after {@link #pass()}, as a real
 * half-open connection does: a connection accepted while black-holed, and an older one as soon as a
 * byte of it has been discarded. (A byte stream with a hole in it could not be resumed anyway: a
 * request that was lost would leave every later reply paired with the wrong request.) So after
 * {@code pass()} only new connections, and old ones that were idle throughout, work again; a client
 * recovers only by dropping the dead connection and opening a new one. A connection accepted while
 * dropping is never forwarded either, it is reset.
 *
 * <p>When the target refuses a connection, the proxy resets the client's connection as well.
 *
 * <p>Thread-safe. Each connection has two daemon threads, one per direction; {@link #close()}
 * closes every socket and waits for every thread of the proxy to end.
 */
public final class TcpProxy implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

  private static final String HOST = "127.0.0.1";
  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
  private static final long JOIN_TIMEOUT_MILLIS = 5_000;

  private enum Mode {
    PASS,
    DROP,
    BLACKHOLE
  }

  private final int targetPort;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final Object lock = new Object();
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  // written under lock; read without it by the pumps
  private volatile Mode mode = Mode.PASS;
  private volatile boolean closed;

  private TcpProxy(int targetPort, ServerSocket listener) {
    this.targetPort = targetPort;
    this.listener = listener;
    this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + listener.getLocalPort());
    acceptor.setDaemon(true);
  }

  /**
   * Starts a proxy to {@code 127.0.0.1:targetPort} on a free loopback port, in {@link #pass()}
   * mode. Close it when done, best with try-with-resources.
   *
   * @throws IllegalArgumentException when the port is not between 1 and 65535
   * @throws UncheckedIOException when no port can be bound
   */
  public static TcpProxy start(int targetPort) {
    if (targetPort < 1 || targetPort > 65_535) {
      throw new IllegalArgumentException(
          "targetPort must be between 1 and 65535, but was " + targetPort);
    }
    ServerSocket listener;
    try {
      listener = new ServerSocket(0, 50, InetAddress.getByName(HOST));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not listen on a free port of " + HOST, e);
    }
    TcpProxy proxy = new TcpProxy(targetPort, listener);
    proxy.acceptor.start();
    return proxy;
  }

  /** The port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  /** {@code redis://127.0.0.1:PORT}, for a Redis client that should go through the proxy. */
  public String uri() {
    return "redis://" + HOST + ":" + port();
  }

  /** How many connections the proxy has accepted so far, whatever it did with them. */
  public long connectionsAccepted() {
    return accepted.get();
  }

  /**
   * Forwards again: new connections are forwarded, and so are open ones that were never black-holed
   * (see the class description). The initial mode.
   */
  public void pass() {
    synchronized (lock) {
      mode = Mode.PASS;
    }
  }

  /**
   * Resets every open connection now, and every new one right after it is accepted, until {@link
   * #pass()}. Returns once every open connection is reset.
   */
  public void drop() {
    List<Link> open;
    synchronized (lock) {
      mode = Mode.DROP;
      open = new ArrayList<>(links);
    }
    for (Link link : open) {
      link.reset();
    }
  }

  /**
   * Forwards nothing, in either direction, on any connection until {@link #pass()}; connections
   * stay open and new ones are accepted. Connections this affects stay black-holed for good (see
   * the class description).
   */
  public void blackhole() {
    synchronized (lock) {
      mode = Mode.BLACKHOLE;
    }
  }

  /**
   * Stops listening, resets every connection and waits until every thread of the proxy has ended.
   * Idempotent.
   *
   * @throws IllegalStateException when a thread does not end within 5 seconds
   */
  @Override
  public void close() {
    List<Link> open;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      open = new ArrayList<>(links);
    }
    closeQuietly(listener);
    for (Link link : open) {
      link.reset();
    }
    join(acceptor);
    // the acceptor has ended, so no thread is added any more
    for (Thread thread : List.copyOf(threads)) {
      join(thread);
    }
  }

  @Override
  public String toString() {
    return "TcpProxy[" + HOST + ":" + port() + " -> " + HOST + ":" + targetPort + ", " + mode + "]";
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (!closed) {
          log.warn("{} stopped accepting connections", this, e);
        }
        return;
      }
      accepted.incrementAndGet();
      try {
        open(client);
      } catch (RuntimeException e) {
        log.warn("{} could not set up a connection", this, e);
        reset(client);
      }
    }
  }

  private void open(Socket client) {
    Mode now = mode;
    if (now == Mode.DROP || closed) {
      reset(client);
      return;
    }
    // A connection accepted while black-holed never reaches the target; it only swallows bytes.
    Socket server = now == Mode.BLACKHOLE ? null : connectToTarget();
    if (now == Mode.PASS && server == null) {
      reset(client);
      return;
    }
    Link link = new Link(client, server);
    synchronized (lock) {
      // drop() or close() may have come while connecting to the target
      if (mode == Mode.DROP || closed) {
        link.reset();
        return;
      }
      if (mode == Mode.BLACKHOLE) {
        link.blackholed = true;
      }
      links.add(link);
    }
    link.start();
  }

  private @Nullable Socket connectToTarget() {
    Socket server = new Socket();
    try {
      server.setTcpNoDelay(true);
      server.connect(new InetSocketAddress(HOST, targetPort), CONNECT_TIMEOUT_MILLIS);
      return server;
    } catch (IOException e) {
      log.debug("{}: the target refused a connection", this, e);
      closeQuietly(server);
      return null;
    }
  }

  /** One client connection and, unless it was accepted while black-holed, its target connection. */
  private final class Link {

    private final Socket client;
    private final @Nullable Socket server;
    // once set, never cleared: a stream with a hole cannot be resumed
    private volatile boolean blackholed;

    Link(Socket client, @Nullable Socket server) {
      this.client = client;
      this.server = server;
      this.blackholed = server == null;
    }

    void start() {
      pump(client, server, "up");
      if (server != null) {
        pump(server, client, "down");
      }
    }

    private void pump(Socket from, @Nullable Socket to, String direction) {
      Thread thread =
          new Thread(
              () -> copy(from, to), "tcp-proxy-" + port() + "-" + direction + "-" + from.getPort());
      thread.setDaemon(true);
      // a thread leaves the set only once it has ended, so close() can wait for every one
      threads.removeIf(t -> !t.isAlive());
      threads.add(thread);
      thread.start();
    }

    private void copy(Socket from, @Nullable Socket to) {
      byte[] buffer = new byte[16 * 1024];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to == null ? null : to.getOutputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (mode == Mode.BLACKHOLE) {
            blackholed = true;
          }
          if (blackholed || out == null) {
            continue; // read and discarded
          }
          out.write(buffer, 0, n);
          out.flush();
        }
        // one side closed: close the other side too, as the peer of a proxy would see it
        close();
      } catch (IOException e) {
        // reset by drop() or close(), or by either peer: the link is over
        reset();
      }
    }

    void close() {
      links.remove(this);
      closeQuietly(client);
      if (server != null) {
        closeQuietly(server);
      }
    }

    void reset() {
      links.remove(this);
      TcpProxy.reset(client);
      if (server != null) {
        TcpProxy.reset(server);
      }
    }
  }

  /** Closes with a TCP reset (RST) rather than an orderly FIN, where the platform allows. */
  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException e) {
      // already closed, or the option is unsupported: a plain close still ends the connection
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // nothing more to do with it
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join(JOIN_TIMEOUT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for " + thread.getName(), e);
    }
    if (thread.isAlive()) {
      throw new IllegalStateException(
          thread.getName() + " did not end within " + JOIN_TIMEOUT_MILLIS + " ms");
    }
  }
}
