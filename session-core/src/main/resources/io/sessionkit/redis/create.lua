#!lua
-- Stores a new session and keeps its user within the limit, atomically.
-- KEYS[1] the session   KEYS[2] the user's index   KEYS[3] the user's states
-- KEYS[4] the session's end marker   KEYS[5] the user's logout-all marker
-- KEYS[6] the user's evicted queue   KEYS[7] the user's revoked queue   KEYS[8] the user's devices
-- ARGV[2] member   ARGV[3] session JSON   ARGV[4] expiry (ms)   ARGV[5] idle timeout (ms, 0: none)
-- ARGV[6] refresh nonce hash   ARGV[7] tag key   ARGV[8] refresh generation   ARGV[9] most live
-- sessions   ARGV[10] device tag   ARGV[11] created (ms)   ARGV[12] last activity (ms)
-- ARGV[13] '1' when late   ARGV[14] most devices remembered   ARGV[15] most sessions evicted at once
-- ARGV[16] the user's tag   ARGV[17] the channel for ends
-- Returns {'created', new device (0/1), sessions evicted}, {'exists'} or {'ended'}.
local now = now_ms()
local member = ARGV[2]
local late = ARGV[13] == '1'

-- ended stays ended: whatever the reason, a session that ended is never stored again
if redis.call('EXISTS', KEYS[4]) == 1 or redis.call('ZSCORE', KEYS[6], member)
    or redis.call('ZSCORE', KEYS[7], member) then
  return {'ended'}
end
if late then
  local ended = redis.call('GET', KEYS[5])
  if ended and tonumber(ARGV[11]) <= tonumber(ended) then
    return {'ended'}
  end
end
local expiry = tonumber(ARGV[4])
local idle = tonumber(ARGV[5])
-- the instance's clock says when the session was last active (at login, or before an outage)
local active = tonumber(ARGV[12])
local ends = expiry
if idle > 0 then
  ends = math.min(expiry, active + idle)
end
local stored = redis.call('ZSCORE', KEYS[2], member)
if ends <= now or (stored and tonumber(stored) <= now) then
  return {'ended'}
end
if redis.call('HEXISTS', KEYS[3], member) == 1 then
  return {'exists'}
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  -- its record is there but its state is not: ended by a revoke-all, not yet reclaimed
  return {'ended'}
end

-- forget sessions past their end, a bounded number at a time (their own keys expire by TTL)
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', int(now), 'LIMIT', 0, 100)) do
  redis.call('HDEL', KEYS[3], gone)
  redis.call('ZREM', KEYS[2], gone)
end

-- make room: the sessions that would end first go, to the evicted queue for reclaiming
local excess = redis.call('ZCOUNT', KEYS[2], '(' .. int(now), '+inf') + 1 - tonumber(ARGV[9])
local evicted = 0
if excess > 0 then
  local victims = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. int(now), '+inf',
    'LIMIT', 0, math.min(excess, tonumber(ARGV[15])))
  for _, victim in ipairs(victims) do
    local state = redis.call('HGET', KEYS[3], victim)
    local until_ms = state and read_state(state).exp or now + 1
    redis.call('ZADD', KEYS[6], until_ms, victim)
    keep_at_least(KEYS[6], until_ms - now)
    redis.call('HDEL', KEYS[3], victim)
    redis.call('ZREM', KEYS[2], victim)
    redis.call('PUBLISH', ARGV[17], 's ' .. ARGV[16] .. victim)
    evicted = evicted + 1
  end
end

redis.call('SET', KEYS[1], ARGV[3], 'PX', int(ends - now))
redis.call('HSET', KEYS[3], member, write_state({active = active, gen = tonumber(ARGV[8]), hash = ARGV[6],
  key = ARGV[7], exp = expiry, idle = idle}))
redis.call('ZADD', KEYS[2], ends, member)

-- a device is known while a session it logged in would still be live
redis.call('ZREMRANGEBYSCORE', KEYS[8], '-inf', int(now))
local seen = redis.call('ZSCORE', KEYS[8], ARGV[10])
redis.call('ZADD', KEYS[8], 'GT', ends, ARGV[10])
local devices = tonumber(ARGV[14])
if redis.call('ZCARD', KEYS[8]) > devices then
  redis.call('ZREMRANGEBYRANK', KEYS[8], 0, -devices - 1)
end

-- the user's keys live as long as the longest-lived session they describe
keep_at_least(KEYS[2], expiry - now)
keep_at_least(KEYS[3], expiry - now)
keep_at_least(KEYS[8], expiry - now)
return {'created', seen and 0 or 1, evicted}
