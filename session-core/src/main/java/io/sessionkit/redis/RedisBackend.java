package io.sessionkit.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.sessionkit.SessionKitException;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.internal.AggregatedWarning;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redis connection with its timeouts and circuit breaker, shared by the session store and
 * whatever else sessionkit keeps in the same Redis (activity log, login throttle), so they fail and
 * recover together. The connection goes to a single server or to a whole Redis Cluster ({@link
 * RedisConnector}); every command has its keys in one slot, so both run the same code. Thread-safe.
 */
final class RedisBackend implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisBackend.class);

  /** A command to run on the connection. */
  interface Command<T> {
    T apply(RedisClusterCommands<String, String> redis);
  }

  /**
   * Tries of a command that Redis Cluster answered TRYAGAIN (its slot is being migrated and its
   * keys are split between two nodes) or MOVED/ASK beyond the redirections followed.
   */
  static final int SLOT_MOVE_ATTEMPTS = 12;

  private static final Duration SLOT_MOVE_PAUSE = Duration.ofMillis(25);
  private static final Duration SLOT_MOVE_MAX_PAUSE = Duration.ofMillis(100);

  /** Connections for writes that wait for a replica, at most: as many such writes at a time. */
  static final int DURABLE_CONNECTIONS = 8;

  /** How long the replica count of a master is trusted before INFO is asked again. */
  private static final Duration REPLICA_COUNT_AGE = Duration.ofSeconds(1);

  private final RedisConnector connector;
  private final Object connectLock = new Object();
  private volatile RedisLink connection;
  // logins, refreshes and revocations, when they wait for a replica: WAIT blocks a connection's
  // later commands in Redis, so each such write has a connection to itself, never the one every
  // request shares, and never queued behind another write's WAIT
  private final java.util.concurrent.BlockingQueue<RedisLink> idleDurable =
      new java.util.concurrent.LinkedBlockingQueue<>();
  private final java.util.Set<RedisLink> openDurable =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.Semaphore durableSlots =
      new java.util.concurrent.Semaphore(DURABLE_CONNECTIONS);
  private final Duration replicaWait;
  private final java.util.Map<String, ReplicaCount> replicaCounts =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final AggregatedWarning unconfirmed =
      new AggregatedWarning(
          log,
          Duration.ofSeconds(10),
          "{} logins, refreshes or revocations were not confirmed by a replica within the replica"
              + " wait: each is in force on the master, and lost if the master fails before its"
              + " replica has it");
  private volatile boolean closed;
  private final CircuitBreaker breaker;
  private final Duration commandTimeout;
  // scripts known to be in the server's cache, for calls sent without waiting
  private final java.util.Set<String> loadedScripts =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  // writes sent without waiting and not answered yet
  private final AtomicInteger writesInFlight = new AtomicInteger();
  private final AggregatedWarning droppedWrites =
      new AggregatedWarning(
          log,
          Duration.ofSeconds(10),
          "Redis unavailable: {} writes nobody waited on were dropped");

  private record ReplicaCount(int replicas, long checkedAtNanos) {}

  /**
   * @param replicaWait how long a revocation waits for a replica to confirm it ({@code WAIT 1})
   *     when the master has replicas; zero for no wait
   */
  RedisBackend(
      RedisConnector connector,
      Duration commandTimeout,
      Duration replicaWait,
      int failureThreshold,
      Duration probeInterval) {
    this.connector = connector;
    this.commandTimeout = commandTimeout;
    this.replicaWait = replicaWait;
    this.breaker =
        new CircuitBreaker(failureThreshold, probeInterval, this::probe, this::dropConnection);
  }

  /** Whether calls fail at once because Redis stopped answering. */
  boolean isBreakerOpen() {
    return breaker.isOpen();
  }

  /** Runs {@code listener} each time the circuit breaker opens. */
  void onBreakerOpen(Runnable listener) {
    breaker.onOpen(listener);
  }

  /**
   * The address connections go to, for a store that opens one of its own (the near-cache).
   *
   * @throws IllegalStateException on a Redis Cluster
   */
  RedisURI uri() {
    if (connector instanceof RedisConnector.Single single) {
      return single.uri();
    }
    throw new IllegalStateException("a Redis Cluster has no single URI");
  }

  /** What connections go to: one server or a cluster. */
  RedisConnector connector() {
    return connector;
  }

  /** Where Redis is, for messages: addresses, no credentials. */
  String describe() {
    return connector.describe();
  }

  /** The command timeout. */
  Duration commandTimeout() {
    return commandTimeout;
  }

  /**
   * Connects now rather than on first use, so that a deployment of the wrong kind is refused at
   * start. A Redis that cannot be reached now is left for the first call to reach.
   *
   * @throws IllegalStateException when Redis answered but is not the configured kind (a cluster
   *     node given as one server, nodes that are not one cluster)
   */
  void verifyDeployment() {
    try {
      connection();
    } catch (RedisException e) {
      log.info("{} cannot be reached now; connecting on first use: {}", describe(), causes(e));
    }
  }

  // "what failed: why: why", suppressed causes included (a cluster client collects one per node)
  private static String causes(Throwable e) {
    StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
    java.util.Set<Throwable> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    java.util.ArrayDeque<Throwable> next = new java.util.ArrayDeque<>();
    if (e.getCause() != null) {
      next.add(e.getCause());
    }
    next.addAll(java.util.Arrays.asList(e.getSuppressed()));
    while (!next.isEmpty() && seen.size() < 10) {
      Throwable t = next.poll();
      if (seen.add(t)) {
        text.append(": ").append(t.getMessage());
        if (t.getCause() != null) {
          next.add(t.getCause());
        }
        next.addAll(java.util.Arrays.asList(t.getSuppressed()));
      }
    }
    return text.toString();
  }

  /** Sends {@code PING}; false when Redis does not answer within the command timeout. */
  boolean ping() {
    try {
      return "PONG".equals(call(RedisClusterCommands::ping));
    } catch (SessionStoreUnavailableException | IllegalStateException e) {
      return false;
    }
  }

  /** One script call, for {@link #runTogether} and {@link #runLater}. */
  record ScriptCall(RedisScript script, ScriptOutputType type, String[] keys, String[] args) {}

  /**
   * Sends the calls together (one round trip however many there are) and waits for all the answers,
   * in order. For calls whose keys live in different Redis Cluster slots, which one script cannot
   * touch together.
   */
  List<Object> runTogether(List<ScriptCall> calls) {
    return call(
        redis -> {
          RedisClusterAsyncCommands<String, String> async = connection().async();
          List<RedisFuture<Object>> sent = new ArrayList<>(calls.size());
          for (ScriptCall c : calls) {
            sent.add(async.evalsha(c.script().sha(), c.type(), c.keys(), c.args()));
          }
          List<Object> answers = new ArrayList<>(calls.size());
          for (int i = 0; i < calls.size(); i++) {
            answers.add(await(sent.get(i), calls.get(i), redis));
          }
          return answers;
        });
  }

  /**
   * Sends the call without waiting for its answer, for writes nobody waits on (an activity entry, a
   * throttle window's reset): they leave with the next write on the connection. A failure is logged
   * once per burst; while the breaker is open the call is dropped.
   */
  void runLater(ScriptCall c) {
    runLaterOn(this::connection, c);
  }

  /**
   * {@link #runLater} on another connection to the same Redis (the near-cache's tracking
   * connection, so that the write is ordered before that connection's next read).
   */
  void runLaterOn(Supplier<RedisLink> connection, ScriptCall c) {
    if (breaker.isOpen() || closed) {
      droppedWrites.record();
      return;
    }
    writesInFlight.incrementAndGet();
    try {
      RedisLink current = connection.get();
      if (!loadedScripts.contains(c.script().sha())) {
        // loaded first, so that a NOSCRIPT retry never lets a later command overtake this one; on
        // a cluster, into every node
        current.sync().scriptLoad(c.script().source());
        loadedScripts.add(c.script().sha());
      }
      RedisClusterAsyncCommands<String, String> async = current.async();
      async
          .evalsha(c.script().sha(), c.type(), c.keys(), c.args())
          .exceptionallyCompose(
              e ->
                  unwrap(e) instanceof RedisNoScriptException
                      ? async.eval(c.script().source(), c.type(), c.keys(), c.args())
                      : java.util.concurrent.CompletableFuture.failedFuture(e))
          .whenComplete(
              (answer, e) -> {
                if (e != null) {
                  loadedScripts.remove(c.script().sha());
                  droppedWrites.record();
                }
                writeDone();
              });
    } catch (RedisException | IllegalStateException e) {
      droppedWrites.record();
      writeDone();
    }
  }

  private void writeDone() {
    if (writesInFlight.decrementAndGet() == 0) {
      synchronized (writesInFlight) {
        writesInFlight.notifyAll();
      }
    }
  }

  /**
   * Waits until every write sent without waiting has been answered, or for at most {@code timeout}.
   *
   * @return whether none is in flight any more
   */
  boolean awaitWrites(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (writesInFlight) {
      while (writesInFlight.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(writesInFlight, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  private Object await(
      RedisFuture<Object> future, ScriptCall c, RedisClusterCommands<String, String> redis) {
    try {
      return answer(future);
    } catch (RedisNoScriptException e) {
      // first use on this server, or its script cache was flushed
      return redis.eval(c.script().source(), c.type(), c.keys(), c.args());
    }
  }

  /**
   * The answer of a command sent without waiting, waited for at most the command timeout.
   *
   * @throws RedisException what the command failed with, or a timeout
   */
  <T> T answer(RedisFuture<T> future) {
    try {
      return future.get(commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RedisException redisException) {
        throw redisException;
      }
      throw new RedisException(cause);
    } catch (TimeoutException e) {
      throw new RedisCommandTimeoutException(
          "Command timed out after " + commandTimeout.toMillis() + " millisecond(s)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisException("interrupted while waiting for Redis", e);
    }
  }

  private static Throwable unwrap(Throwable e) {
    Throwable cause = e;
    while ((cause instanceof ExecutionException || cause instanceof CompletionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  <T> T run(RedisScript script, ScriptOutputType type, String[] keys, String... args) {
    return call(redis -> evaluate(redis, script, type, keys, args));
  }

  /**
   * Runs a script whose effect a user sees (a login, a refresh, a revocation), and when it changed
   * something ({@code changed}) and the master has replicas, answers only once a replica has the
   * change too ({@code WAIT 1}), or once the replica wait has passed (logged, aggregated): so that
   * what the user saw succeed survives a failover. Without a replica wait it is {@link #run}.
   */
  <T> T runDurably(
      RedisScript script,
      ScriptOutputType type,
      String[] keys,
      java.util.function.Predicate<T> changed,
      String... args) {
    if (replicaWait.isZero()) {
      return run(script, type, keys, args);
    }
    RedisLink[] borrowed = new RedisLink[1];
    try {
      return callOn(
          () -> borrowed[0] != null ? borrowed[0] : (borrowed[0] = borrowDurable()),
          link -> {
            T result = evaluate(link.sync(), script, type, keys, args);
            if (changed.test(result)) {
              awaitReplica(link.master(keys[0]));
            }
            return result;
          });
    } finally {
      if (borrowed[0] != null) {
        giveBack(borrowed[0]);
      }
    }
  }

  private RedisLink borrowDurable() {
    try {
      if (!durableSlots.tryAcquire(commandTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new RedisCommandTimeoutException(
            "all "
                + DURABLE_CONNECTIONS
                + " connections for writes that wait for a replica are busy");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisException("interrupted while waiting for a connection", e);
    }
    RedisLink link = idleDurable.poll();
    if (link != null && link.connection().isOpen()) {
      return link;
    }
    try {
      if (closed) {
        throw new IllegalStateException("this RedisSessionStore is closed");
      }
      RedisLink opened = connector.connect();
      openDurable.add(opened);
      return opened;
    } catch (RuntimeException e) {
      durableSlots.release();
      throw e;
    }
  }

  private void giveBack(RedisLink link) {
    if (!closed && link.connection().isOpen() && openDurable.contains(link)) {
      idleDurable.offer(link);
    } else {
      openDurable.remove(link);
      link.connection().closeAsync();
    }
    durableSlots.release();
  }

  @SuppressWarnings("unchecked")
  private static <T> T evaluate(
      RedisClusterCommands<String, String> redis,
      RedisScript script,
      ScriptOutputType type,
      String[] keys,
      String... args) {
    try {
      return (T) redis.evalsha(script.sha(), type, keys, args);
    } catch (RedisNoScriptException e) {
      // first use on this server, or its script cache was flushed (e.g. after a restart)
      return (T) redis.eval(script.source(), type, keys, args);
    }
  }

  // WAIT 1 on the connection that wrote; skipped while the master has no replica, which would
  // make every revocation wait the whole replica wait for nothing
  private void awaitReplica(RedisLink.Node master) {
    ReplicaCount known = replicaCounts.get(master.address());
    long now = System.nanoTime();
    if (known == null || now - known.checkedAtNanos() > REPLICA_COUNT_AGE.toNanos()) {
      known = new ReplicaCount(replicas(master), now);
      replicaCounts.put(master.address(), known);
    }
    if (known.replicas() > 0 && master.sync().waitForReplication(1, replicaWait.toMillis()) < 1) {
      unconfirmed.record();
      // a replica that does not keep up (a full resync, a stall) is not waited for again until
      // its count is asked again: a write costs the replica wait at most once a second per master
      replicaCounts.put(master.address(), new ReplicaCount(0, System.nanoTime()));
    }
  }

  private static int replicas(RedisLink.Node master) {
    String info;
    try {
      info = master.sync().info("replication");
    } catch (RedisCommandExecutionException noInfo) {
      return 1; // an ACL without INFO: wait, and let the wait's bound keep it short
    }
    // slaveN:ip=…,port=…,state=online,offset=…,lag=…; a replica still syncing (wait_bgsave,
    // send_bulk) acknowledges nothing until it is done
    int online = 0;
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("slave") && line.contains("state=online")) {
        online++;
      }
    }
    return online;
  }

  <T> T call(Command<T> command) {
    return callOn(() -> connection().sync(), command::apply);
  }

  /**
   * Runs a command on another connection to the same Redis, under the same breaker: its failures
   * count as this backend's. A command that Redis Cluster answers TRYAGAIN, MOVED or ASK (a slot on
   * the move) is tried again, {@value #SLOT_MOVE_ATTEMPTS} times in all: Redis refuses those before
   * running anything, so trying again never runs a script twice.
   */
  <C, T> T callOn(Supplier<C> commands, Function<C, T> command) {
    if (breaker.isOpen()) {
      throw new SessionStoreUnavailableException(
          describe() + " is unavailable: it stopped answering and is being probed");
    }
    for (int attempt = 1; ; attempt++) {
      try {
        T result = command.apply(commands.get());
        breaker.recordSuccess();
        return result;
      } catch (RedisCommandExecutionException e) {
        if (isSlotMoving(e)) {
          if (attempt < SLOT_MOVE_ATTEMPTS) {
            pauseForSlotMove(attempt);
            continue;
          }
          // Redis answered: a slot that keeps moving is no reason to stop asking it
          throw unavailable(e);
        }
        if (isTransient(e)) {
          throw failed(e);
        }
        throw new SessionKitException("Redis refused a sessionkit command: " + e.getMessage(), e);
      } catch (RedisException | CancellationException e) {
        // timeouts, refused and lost connections; CancellationException comes from failovers
        throw failed(e);
      } catch (NullPointerException e) {
        // Lettuce's cluster connection, closed by the breaker while this call was using it,
        // fails with this instead of a RedisException (6.8); the breaker is open already
        throw unavailable(e);
      }
    }
  }

  private static boolean isSlotMoving(RedisCommandExecutionException e) {
    String message = String.valueOf(e.getMessage());
    return message.startsWith("TRYAGAIN")
        || message.startsWith("MOVED")
        || message.startsWith("ASK");
  }

  // a migration moves a slot's keys in milliseconds: 25, 50, 75, then 100 ms apart, about a second
  // in all
  private static void pauseForSlotMove(int attempt) {
    try {
      Thread.sleep(
          Math.min(
              SLOT_MOVE_PAUSE.multipliedBy(attempt).toMillis(), SLOT_MOVE_MAX_PAUSE.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SessionStoreUnavailableException("interrupted while a Redis slot moved", e);
    }
  }

  private SessionStoreUnavailableException failed(Exception e) {
    breaker.recordFailure(e);
    return unavailable(e);
  }

  // The probe runs on the breaker's thread and bypasses it; a fresh connection is opened if the
  // old one was dropped when the breaker opened.
  private boolean probe() {
    try {
      return "PONG".equals(connection().sync().ping());
    } catch (RedisException | IllegalStateException e) {
      return false;
    }
  }

  // A connection whose peer stopped answering may be half-open (a silent network drop): drop it
  // rather than wait for TCP to notice, and let the next call connect afresh.
  private void dropConnection() {
    RedisLink dropped;
    loadedScripts.clear();
    synchronized (connectLock) {
      dropped = connection;
      connection = null;
    }
    if (dropped != null) {
      dropped.connection().closeAsync();
    }
    closeDurable();
  }

  private static boolean isTransient(RedisCommandExecutionException e) {
    String message = String.valueOf(e.getMessage());
    for (String code :
        new String[] {"LOADING", "BUSY", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "OOM"}) {
      if (message.startsWith(code)) {
        return true;
      }
    }
    return false;
  }

  private SessionStoreUnavailableException unavailable(Exception e) {
    return new SessionStoreUnavailableException(
        describe() + " is unavailable: " + e.getMessage(), e);
  }

  // borrowed ones close too: their writes fail, as on the shared connection
  private void closeDurable() {
    idleDurable.clear();
    for (RedisLink link : openDurable) {
      openDurable.remove(link);
      link.connection().closeAsync();
    }
  }

  private RedisLink connection() {
    RedisLink current = connection;
    if (current != null) {
      return current;
    }
    synchronized (connectLock) {
      if (closed) {
        throw new IllegalStateException("this RedisSessionStore is closed");
      }
      if (connection == null) {
        connection = connector.connect();
      }
      return connection;
    }
  }

  /**
   * Subscribes to a pub/sub channel on a connection of its own. Lettuce reconnects and resubscribes
   * it by itself; when Redis cannot be reached for the first subscription, it is tried again every
   * probe interval until it works or the subscription is closed.
   */
  AutoCloseable subscribe(String channel, java.util.function.Consumer<String> onMessage) {
    Subscription subscription = new Subscription(channel, onMessage);
    subscription.start();
    return subscription;
  }

  private final class Subscription implements AutoCloseable {
    private final String channel;
    private final java.util.function.Consumer<String> onMessage;
    private volatile boolean stopped;
    private io.lettuce.core.pubsub.@org.jspecify.annotations.Nullable StatefulRedisPubSubConnection<
            String, String>
        connection;

    Subscription(String channel, java.util.function.Consumer<String> onMessage) {
      this.channel = channel;
      this.onMessage = onMessage;
    }

    void start() {
      if (stopped || closed) {
        return;
      }
      try {
        var pubSub = connector.connectPubSub();
        pubSub.addListener(
            new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
              @Override
              public void message(String from, String message) {
                if (channel.equals(from)) {
                  try {
                    onMessage.accept(message);
                  } catch (RuntimeException e) {
                    log.warn("A listener of {} failed", channel, e);
                  }
                }
              }
            });
        if (connector instanceof RedisConnector.Cluster) {
          // A cluster pub/sub connection is tied to one node, and reconnects to that node only:
          // when it dies, subscribe anew through whichever nodes answer. (PUBLISH reaches every
          // node of a cluster, so any one will do.)
          pubSub.addListener(
              new io.lettuce.core.RedisConnectionStateListener() {
                @Override
                public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> handler) {
                  resubscribe(pubSub);
                }
              });
        }
        pubSub.sync().subscribe(channel);
        synchronized (this) {
          connection = pubSub;
          if (stopped) {
            pubSub.closeAsync();
          }
        }
      } catch (RedisException e) {
        breaker.schedule(this::start);
      }
    }

    private void resubscribe(
        io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String> lost) {
      synchronized (this) {
        if (connection != lost || stopped) {
          return;
        }
        connection = null;
      }
      lost.closeAsync();
      log.info(
          "The subscription to {} lost its node of {}; subscribing again", channel, describe());
      breaker.schedule(this::start);
    }

    @Override
    public synchronized void close() {
      stopped = true;
      if (connection != null) {
        connection.closeAsync();
      }
    }
  }

  @Override
  public void close() {
    // what was sent without waiting (activity, a throttle's reset) is not lost to a shutdown
    awaitWrites(commandTimeout);
    breaker.close();
    synchronized (connectLock) {
      closed = true;
      if (connection != null) {
        connection.connection().close();
      }
      closeDurable();
      connector.shutdown();
    }
  }
}
