#!lua flags=no-writes
-- What reclaim has to remove next: sessions ended by evictions, then by revoke-all.
-- KEYS[1] the user's evicted queue   KEYS[2] the user's revoked queue
-- ARGV[2] the most sessions to return
-- Returns {how many are evicted ones, then member, keep-marker-until (ms) per session}.
local most = tonumber(ARGV[2])
local evicted = redis.call('ZRANGE', KEYS[1], 0, most - 1, 'WITHSCORES')
local out = {#evicted / 2}
for _, v in ipairs(evicted) do
  out[#out + 1] = v
end
if #evicted / 2 < most then
  for _, v in ipairs(redis.call('ZRANGE', KEYS[2], 0, most - #evicted / 2 - 1, 'WITHSCORES')) do
    out[#out + 1] = v
  end
end
return out
