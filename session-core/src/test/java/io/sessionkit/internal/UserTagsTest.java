package io.sessionkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class UserTagsTest {

  private static final byte[] SECRET =
      "a-tag-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.US_ASCII);

  @Test
  void aKeyedTagCannotBeComputedFromTheUserIdAlone() {
    UserTags keyed = UserTags.keyed(SECRET);

    assertThat(keyed.of("alice")).hasSize(SessionIds.TAG_LENGTH).isEqualTo(keyed.of("alice"));
    assertThat(keyed.of("alice")).isNotEqualTo(UserTags.unkeyed().of("alice"));
    assertThat(keyed.of("alice"))
        .isNotEqualTo(UserTags.keyed("another-secret-of-at-least-32-bytes".getBytes()).of("alice"));
    assertThat(keyed.of("alice")).isNotEqualTo(keyed.of("bob"));
  }

  @Test
  void sessionIdsCarryTheirUsersTag() {
    UserTags keyed = UserTags.keyed(SECRET);
    String id = SessionIds.newSessionId("alice", keyed, new SecureRandom());

    assertThat(SessionIds.isWellFormed(id)).isTrue();
    assertThat(keyed.owns("alice", id)).isTrue();
    assertThat(keyed.owns("bob", id)).isFalse();
    assertThat(UserTags.unkeyed().owns("alice", id)).isFalse();
  }

  @Test
  void aShortSecretIsRefusedWithoutQuotingIt() {
    assertThatThrownBy(() -> UserTags.keyed("short-s3cret".getBytes()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the user tag secret must be at least 32 bytes, but was 12 bytes");
    assertThat(UserTags.keyed(SECRET).toString()).isEqualTo("UserTags[keyed]");
  }

  @Test
  void logsNameASessionByAPrefix() {
    String id = SessionIds.newSessionId("alice", new SecureRandom());

    assertThat(SessionIds.shortForm(id))
        .hasSize(25)
        .startsWith(id.substring(0, 24))
        .endsWith("\u2026");
  }
}
