-- Ends every session of a user.
-- KEYS[1] the user's index
-- ARGV[1] now (ms)   ARGV[2] hash tag
-- Returns the JSON of the sessions that were live, oldest first.
local now = tonumber(ARGV[1])
local sessions = 'session:{' .. ARGV[2] .. '}:'
local refresh = 'refresh:{' .. ARGV[2] .. '}:'
local ended = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local json = redis.call('GET', sessions .. id)
  local ends = redis.call('HGET', refresh .. id, 'ends')
  redis.call('DEL', sessions .. id, refresh .. id)
  if json and ends and tonumber(ends) > now then
    ended[#ended + 1] = json
  end
end
redis.call('DEL', KEYS[1])
return ended
