#!lua
-- Removes what is left of sessions ended by evictions and revoke-all, leaving their end markers.
-- KEYS[1] the user's evicted queue   KEYS[2] the user's revoked queue, then for each session:
-- its record, its grace and its end marker
-- ARGV[2] how many of the sessions are evicted ones (they come first), then for each session:
-- member, keep-marker-until (ms)
-- Returns member and JSON of each evicted session that still had a record, then how many are
-- left to reclaim in both queues.
local now = now_ms()
local evicted = tonumber(ARGV[2])
local out = {}
for i = 1, (#ARGV - 2) / 2 do
  local member = ARGV[1 + 2 * i]
  local keep = tonumber(ARGV[2 + 2 * i]) - now
  local k = 3 * i
  local json = redis.call('GET', KEYS[k])
  redis.call('DEL', KEYS[k], KEYS[k + 1])
  if i <= evicted then
    if keep > 0 then
      redis.call('SET', KEYS[k + 2], 'evicted', 'PX', int(keep))
    end
    redis.call('ZREM', KEYS[1], member)
    if json then
      out[#out + 1] = member
      out[#out + 1] = json
    end
  else
    if keep > 0 then
      redis.call('SET', KEYS[k + 2], 'revoked', 'PX', int(keep))
    end
    redis.call('ZREM', KEYS[2], member)
  end
end
out[#out + 1] = redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2])
return out
