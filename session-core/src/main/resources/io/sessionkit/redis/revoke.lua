-- Ends one session.
-- KEYS[1] session key, KEYS[2] refresh-state key
-- ARGV[1] session id   ARGV[2] now (ms)   ARGV[3] hash tag
-- Returns the session JSON if it was live, else nil.
local json = redis.call('GET', KEYS[1])
local state = redis.call('HMGET', KEYS[2], 'user', 'ends')
redis.call('DEL', KEYS[1], KEYS[2])
local user = state[1]
if not user and json then
  user = cjson.decode(json)['user_id']
end
if user then
  redis.call('ZREM', 'user-sessions:{' .. ARGV[3] .. '}:' .. user, ARGV[1])
end
if not json or not state[2] or tonumber(state[2]) <= tonumber(ARGV[2]) then
  return false
end
return json
