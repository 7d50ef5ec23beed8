-- Returns a live session, recording activity when the last record is old enough.
-- KEYS[1] session key, KEYS[2] refresh-state key
-- ARGV[1] now (ms)   ARGV[2] now (ISO-8601, as in the session JSON)   ARGV[3] min interval (ms)
-- Returns the session JSON as it is afterwards, or nil.
local json = redis.call('GET', KEYS[1])
if not json then
  return false
end
local state = redis.call('HMGET', KEYS[2], 'ends', 'active', 'idle', 'exp')
local now = tonumber(ARGV[1])
if not state[1] or tonumber(state[1]) <= now then
  return false
end
if tonumber(state[2]) + tonumber(ARGV[3]) > now then
  return json
end

-- Splice the new time in rather than re-encode: cjson would reorder the fields operators read.
-- The top-level field precedes the attributes, so the first match is the right one.
local old = '"last_active_at":"' .. cjson.decode(json)['last_active_at'] .. '"'
local first, last = string.find(json, old, 1, true)
json = string.sub(json, 1, first - 1) .. '"last_active_at":"' .. ARGV[2] .. '"' .. string.sub(json, last + 1)

local idle = tonumber(state[3])
if idle > 0 then
  local ends = math.min(tonumber(state[4]), now + idle)
  local ttl = string.format('%.0f', ends - now)
  redis.call('SET', KEYS[1], json, 'PX', ttl)
  redis.call('HSET', KEYS[2], 'active', ARGV[1], 'ends', string.format('%.0f', ends))
  redis.call('PEXPIRE', KEYS[2], ttl)
else
  redis.call('SET', KEYS[1], json, 'KEEPTTL')
  redis.call('HSET', KEYS[2], 'active', ARGV[1])
end
return json
