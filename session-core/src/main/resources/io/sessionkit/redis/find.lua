#!lua flags=no-writes
-- A live session's record, last activity and end.
-- KEYS[1] the user's index   KEYS[2] the user's states   KEYS[3] the session
-- ARGV[2] member
-- Returns {session JSON, last activity (ms)} when it is live, else an empty array.
local ends = redis.call('ZSCORE', KEYS[1], ARGV[2])
if not ends or tonumber(ends) <= now_ms() then
  return {}
end
local value = redis.call('HGET', KEYS[2], ARGV[2])
local json = redis.call('GET', KEYS[3])
if not value or not json then
  return {}
end
return {json, int(read_state(value).active)}
