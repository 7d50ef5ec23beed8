#!lua
-- Ends one session and leaves a marker, for as long as the session could have lived, so that no
-- retry or late write stores it again.
-- KEYS[1] the user's index   KEYS[2] the user's states   KEYS[3] the session   KEYS[4] its grace
-- KEYS[5] its end marker
-- ARGV[2] member   ARGV[3] why it ended   ARGV[4] the session id   ARGV[5] the channel for ends
-- ARGV[6] how long (ms) to keep the marker at least, also when Redis does not hold the session: it
-- may still be written later by an instance that created it during an outage
-- Returns {session JSON, last activity (ms)} when it was live, else an empty array.
local now = now_ms()
local member = ARGV[2]
local ends = redis.call('ZSCORE', KEYS[1], member)
local value = redis.call('HGET', KEYS[2], member)
local json = redis.call('GET', KEYS[3])
local keep = redis.call('PTTL', KEYS[3])
local state = value and read_state(value)
if state then
  keep = math.max(keep, state.exp - now)
end
keep = math.max(keep, tonumber(ARGV[6]))
redis.call('ZREM', KEYS[1], member)
redis.call('HDEL', KEYS[2], member)
redis.call('DEL', KEYS[3], KEYS[4])
if keep > 0 then
  redis.call('SET', KEYS[5], ARGV[3], 'PX', int(keep))
  redis.call('PUBLISH', ARGV[5], 's ' .. ARGV[4])
end
if json and state and ends and tonumber(ends) > now then
  return {json, int(state.active)}
end
return {}
