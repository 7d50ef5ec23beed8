package io.sessionkit.example;

import io.lettuce.core.RedisException;
import io.sessionkit.SessionStore;
import io.sessionkit.spring.SessionKitProperties;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where the accounts live: in the sessions' Redis when {@code REDIS_URL} or {@code
 * REDIS_CLUSTER_NODES} is set, so that any number of instances on that Redis form one deployment;
 * in memory otherwise, as the sessions are.
 */
@Configuration(proxyBeanMethods = false)
class AccountStorage {

  private static final Logger log = LoggerFactory.getLogger(AccountStorage.class);

  /**
   * @param sessions asked for so that the session store is built first: it checks the Redis URL and
   *     says what is wrong with it, without quoting it
   */
  @Bean
  AccountStore accountStore(SessionKitProperties sessionKit, SessionStore sessions) {
    SessionKitProperties.Redis redis = sessionKit.getRedis();
    String url = redis.getUrl();
    List<String> clusterNodes = redis.getCluster().getNodes();
    AccountsRedis connection;
    if (!clusterNodes.isEmpty()) {
      connection =
          AccountsRedis.cluster(clusterNodes, redis.getCommandTimeout(), redis.getConnectTimeout());
    } else if (url != null && !url.isBlank()) {
      connection =
          AccountsRedis.single(url.strip(), redis.getCommandTimeout(), redis.getConnectTimeout());
    } else {
      log.info(
          "Accounts: in memory (no REDIS_URL or REDIS_CLUSTER_NODES): lost on restart, not shared"
              + " between instances");
      return new InMemoryAccountStore();
    }
    log.info(
        "Accounts: in Redis at {} under account:* keys, shared by every instance on it",
        connection.where());
    // Connect now, so that no request pays for the handshake (bounded by the command timeout,
    // which a busy machine can exceed); when Redis is unreachable, the first use tries again.
    try {
      connection.commands();
    } catch (RedisException e) {
      log.warn(
          "Accounts: Redis at {} does not answer yet ({}); connecting on first use",
          connection.where(),
          e.getClass().getSimpleName());
    }
    return RedisAccountStore.on(connection);
  }
}
