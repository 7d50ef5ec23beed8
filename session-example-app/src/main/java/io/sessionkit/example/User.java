package io.sessionkit.example;

import java.util.Set;

/**
 * An account of the stand-in user store. {@link #toString()} leaves the password hash out.
 *
 * @param id stable id, the {@code sub} of its tokens
 * @param username the unique login name
 * @param passwordHash BCrypt hash of the password
 * @param roles the roles its sessions carry
 */
record User(String id, String username, String passwordHash, Set<String> roles) {

  @Override
  public String toString() {
    return "User[id=" + id + ", username=" + username + ", roles=" + roles + "]";
  }
}
