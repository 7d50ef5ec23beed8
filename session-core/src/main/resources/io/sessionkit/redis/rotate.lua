#!lua
-- Rotates a session's refresh token, or tells a grace retry, a replay of the applied rotation, a
-- reuse (theft: the session is revoked) or a token not issued for this session.
-- KEYS[1] the user's index   KEYS[2] the user's states   KEYS[3] the session   KEYS[4] its grace
-- KEYS[5] its end marker
-- ARGV[2] member   ARGV[3] session id   ARGV[4] presented generation   ARGV[5] presented nonce hash
-- ARGV[6] presented tag (hex)   ARGV[7] next nonce hash   ARGV[8] sealed next nonce   ARGV[9] grace (ms)
-- ARGV[10] the channel for ends
-- Returns {'missing'}, {'invalid'}, {'reuse', json, active},
-- {'rotated' | 'applied', generation, tag key, json, active}
-- or {'grace', generation, tag key, json, active, sealed next nonce}.
local now = now_ms()
local member = ARGV[2]
local ends = redis.call('ZSCORE', KEYS[1], member)
local value = redis.call('HGET', KEYS[2], member)
local json = redis.call('GET', KEYS[3])
if not ends or not value or not json or tonumber(ends) <= now then
  return {'missing'}
end
local state = read_state(value)
local presented = tonumber(ARGV[4])

if presented == state.gen and ARGV[5] == state.hash then
  state.gen = state.gen + 1
  state.hash = ARGV[7]
  redis.call('HSET', KEYS[2], member, write_state(state))
  local grace = tonumber(ARGV[9])
  if grace > 0 then
    -- the grace's own end is kept too: the TTL only reclaims, the script's now decides
    redis.call('SET', KEYS[4], b36(now + grace) .. '.' .. ARGV[5] .. '.' .. ARGV[7] .. '.' .. ARGV[8],
      'PX', int(grace))
  else
    redis.call('DEL', KEYS[4])
  end
  return {'rotated', state.gen, state.key, json, int(state.active)}
end

if presented == state.gen - 1 then
  local grace = redis.call('GET', KEYS[4])
  if grace then
    local g = split(grace)
    if tonumber(g[1], 36) > now and ARGV[5] == g[2] then
      return {'grace', state.gen, state.key, json, int(state.active), g[4]}
    end
  end
  -- a retry of the very rotation that was applied (its answer was lost) is never theft
  if ARGV[7] == state.hash then
    return {'applied', state.gen, state.key, json, int(state.active)}
  end
end

-- a token of an earlier generation that was really issued for this session: theft
if presented < state.gen
    and string.sub(hmac_sha1(state.key, ARGV[3] .. '.' .. presented), 1, 24) == ARGV[6] then
  redis.call('ZREM', KEYS[1], member)
  redis.call('HDEL', KEYS[2], member)
  redis.call('DEL', KEYS[3], KEYS[4])
  redis.call('SET', KEYS[5], 'reuse', 'PX', int(math.max(state.exp - now, 1)))
  redis.call('PUBLISH', ARGV[10], 's ' .. ARGV[3])
  return {'reuse', json, int(state.active)}
end
return {'invalid'}
