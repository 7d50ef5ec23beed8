#!lua
-- Ends every session of a user at a cost that does not depend on how many there are: the index
-- moves to the revoked queue (reclaim removes the sessions' own keys later, a batch at a time) and
-- the states go, so no touch or rotation finds them; the logout-all marker refuses late creates of
-- sessions created before now.
-- KEYS[1] the user's index   KEYS[2] the user's states   KEYS[3] the user's revoked queue
-- KEYS[4] the user's logout-all marker
-- ARGV[2] how long the marker is kept at least (ms): the longest a session may live
-- ARGV[3] when the user asked for it (ms, the asking instance's clock)   ARGV[4] the user id
-- ARGV[5] the channel for ends
-- Returns how many live sessions were ended.
local now = now_ms()
local live = redis.call('ZCOUNT', KEYS[1], '(' .. int(now), '+inf')
local keep = math.max(redis.call('PTTL', KEYS[1]), tonumber(ARGV[2]))
redis.call('SET', KEYS[4], ARGV[3], 'PX', int(keep))
redis.call('PUBLISH', ARGV[5], 'u ' .. ARGV[3] .. ' ' .. ARGV[4])
if redis.call('EXISTS', KEYS[1]) == 1 then
  if redis.call('EXISTS', KEYS[3]) == 0 then
    redis.call('RENAME', KEYS[1], KEYS[3])
  else
    -- an earlier revoke-all is still being reclaimed: at most two indexes of the ceiling's size
    redis.call('ZUNIONSTORE', KEYS[3], 2, KEYS[3], KEYS[1], 'AGGREGATE', 'MAX')
    redis.call('UNLINK', KEYS[1])
  end
  keep_at_least(KEYS[3], keep)
end
-- freed off the main thread, however many fields it has
redis.call('UNLINK', KEYS[2])
return live
