-- Stores a new session and keeps its user within the session limit, atomically.
-- KEYS[1] session key, KEYS[2] refresh-state key, KEYS[3] the user's index
-- ARGV[1] session JSON   ARGV[2] session id    ARGV[3] created (ms)   ARGV[4] absolute expiry (ms)
-- ARGV[5] end (ms)       ARGV[6] idle (ms)     ARGV[7] refresh hash   ARGV[8] user id
-- ARGV[9] now (ms)       ARGV[10] max sessions (0: none)              ARGV[11] hash tag
-- Returns {'exists'} or {'ok', evicted session JSON...}, oldest evicted first.
local now = tonumber(ARGV[9])
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {'exists'}
end
local ttl = string.format('%.0f', tonumber(ARGV[5]) - now)
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('HSET', KEYS[2], 'user', ARGV[8], 'cur', ARGV[7], 'exp', ARGV[4], 'idle', ARGV[6],
  'active', ARGV[3], 'ends', ARGV[5])
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])

-- Other keys of this user share the hash tag, so they live in the same cluster slot.
local sessions = 'session:{' .. ARGV[11] .. '}:'
local refresh = 'refresh:{' .. ARGV[11] .. '}:'
local others = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
  local ends = redis.call('HGET', refresh .. id, 'ends')
  if not ends or tonumber(ends) <= now then
    redis.call('DEL', sessions .. id, refresh .. id)
    redis.call('ZREM', KEYS[3], id)
  elseif id ~= ARGV[2] then
    others[#others + 1] = id
  end
end

local result = {'ok'}
local max = tonumber(ARGV[10])
if max > 0 then
  -- the new session is never its own victim: the oldest others go
  for i = 1, #others + 1 - max do
    local id = others[i]
    local json = redis.call('GET', sessions .. id)
    redis.call('DEL', sessions .. id, refresh .. id)
    redis.call('ZREM', KEYS[3], id)
    if json then
      result[#result + 1] = json
    end
  end
end

-- the index lives as long as the longest-lived session in it
local lifetime = tonumber(ARGV[4]) - now
if redis.call('PTTL', KEYS[3]) < lifetime then
  redis.call('PEXPIRE', KEYS[3], string.format('%.0f', lifetime))
end
return result
