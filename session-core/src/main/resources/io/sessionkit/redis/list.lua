-- Lists or counts a user's live sessions, pruning ended ones from the index on the way.
-- KEYS[1] the user's index
-- ARGV[1] now (ms)   ARGV[2] hash tag   ARGV[3] 'list' or 'count'
-- Returns the session JSON oldest first, or their number.
local now = tonumber(ARGV[1])
local sessions = 'session:{' .. ARGV[2] .. '}:'
local refresh = 'refresh:{' .. ARGV[2] .. '}:'
local live = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local ends = redis.call('HGET', refresh .. id, 'ends')
  local json = false
  if ends and tonumber(ends) > now then
    json = redis.call('GET', sessions .. id)
  end
  if json then
    live[#live + 1] = json
  else
    redis.call('DEL', sessions .. id, refresh .. id)
    redis.call('ZREM', KEYS[1], id)
  end
end
if ARGV[3] == 'count' then
  return #live
end
return live
