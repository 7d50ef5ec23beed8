-- Rotates a session's refresh token, or tells a grace retry, a reuse or a foreign token.
-- KEYS[1] session key, KEYS[2] refresh-state key
-- ARGV[1] session id   ARGV[2] presented hash   ARGV[3] next hash   ARGV[4] sealed next
-- ARGV[5] now (ms)     ARGV[6] grace (ms)       ARGV[7] max retired hashes kept   ARGV[8] hash tag
-- Returns {'missing'}, {'rotated', json}, {'grace', json, sealed}, {'reuse', json} or {'invalid', json}.
local json = redis.call('GET', KEYS[1])
local state = redis.call('HMGET', KEYS[2], 'user', 'cur', 'prev', 'sealed', 'rotated', 'retired', 'ends')
local now = tonumber(ARGV[5])
if not json or not state[2] or tonumber(state[7]) <= now then
  return {'missing'}
end
local presented = ARGV[2]

if presented == state[2] then
  local retired = state[6] or ''
  if state[3] then
    retired = (retired == '') and state[3] or (retired .. ' ' .. state[3])
    local _, spaces = string.gsub(retired, ' ', ' ')
    if spaces + 1 > tonumber(ARGV[7]) then
      retired = string.sub(retired, string.find(retired, ' ', 1, true) + 1)
    end
  end
  redis.call('HSET', KEYS[2], 'prev', state[2], 'cur', ARGV[3], 'sealed', ARGV[4],
    'rotated', ARGV[5], 'retired', retired)
  return {'rotated', json}
end

local function revoke()
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('ZREM', 'user-sessions:{' .. ARGV[8] .. '}:' .. state[1], ARGV[1])
end

if state[3] and presented == state[3] then
  -- a retry of the very rotation that was applied (its answer was lost) is never theft
  if ARGV[3] == state[2] or now - tonumber(state[5]) <= tonumber(ARGV[6]) then
    return {'grace', json, state[4]}
  end
  revoke()
  return {'reuse', json}
end
if state[6] and string.find(' ' .. state[6] .. ' ', ' ' .. presented .. ' ', 1, true) then
  revoke()
  return {'reuse', json}
end
return {'invalid', json}
