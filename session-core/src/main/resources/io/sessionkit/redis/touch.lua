#!lua
-- Tells whether a session is live, recording activity when the last record is old enough; with an
-- idle timeout, recording activity also extends the session.
-- KEYS[1] the user's index   KEYS[2] the user's states   KEYS[3] the session
-- ARGV[2] member   ARGV[3] least time between two records of activity (ms)
-- Returns {end (ms), last activity (ms)} for a live session, else an empty array.
local now = now_ms()
local member = ARGV[2]
local ends = redis.call('ZSCORE', KEYS[1], member)
if not ends or tonumber(ends) <= now then
  return {}
end
local value = redis.call('HGET', KEYS[2], member)
if not value then
  return {}
end
local state = read_state(value)
ends = tonumber(ends)
if state.active + tonumber(ARGV[3]) <= now then
  state.active = now
  redis.call('HSET', KEYS[2], member, write_state(state))
  if state.idle > 0 then
    ends = math.min(state.exp, now + state.idle)
    redis.call('ZADD', KEYS[1], 'XX', ends, member)
    redis.call('PEXPIRE', KEYS[3], int(ends - now))
  end
end
return {int(ends), int(state.active)}
