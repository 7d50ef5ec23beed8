#!lua
-- Reads, or counts a failure in, a login-throttle window that starts at its first failure.
-- KEYS[1] the window   ARGV[1] 'check' or 'fail'   ARGV[2] window (ms)
-- Returns {failures, remaining window in ms}.
if ARGV[1] == 'fail' then
  local failures = redis.call('INCR', KEYS[1])
  if failures == 1 then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
  end
  return {failures, redis.call('PTTL', KEYS[1])}
end
local failures = redis.call('GET', KEYS[1])
if not failures then
  return {0, 0}
end
return {tonumber(failures), redis.call('PTTL', KEYS[1])}
