#!lua flags=no-writes
-- A page of a user's live sessions, newest first (latest end first).
-- KEYS[1] the user's index   KEYS[2] the user's states
-- ARGV[2] end (ms) of the last session of the previous page, or ''   ARGV[3] its member, or ''
-- ARGV[4] page size
-- Returns {live sessions in all, then member, end (ms), last activity (ms) per session}, with one
-- session more than the page size when there is a next page.
local now = now_ms()
local fetch = tonumber(ARGV[4]) + 1
local live = '(' .. int(now)
local rows
if ARGV[3] ~= '' and redis.call('ZSCORE', KEYS[1], ARGV[3]) then
  local rank = redis.call('ZREVRANK', KEYS[1], ARGV[3])
  rows = redis.call('ZREVRANGE', KEYS[1], rank + 1, rank + fetch, 'WITHSCORES')
elseif ARGV[2] ~= '' then
  -- the cursor's own session has ended since: go on from its end
  rows = redis.call('ZREVRANGEBYSCORE', KEYS[1], '(' .. ARGV[2], live, 'WITHSCORES',
    'LIMIT', 0, fetch)
else
  rows = redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', live, 'WITHSCORES', 'LIMIT', 0, fetch)
end
local out = {redis.call('ZCOUNT', KEYS[1], live, '+inf')}
local members, ends = {}, {}
for i = 1, #rows, 2 do
  if tonumber(rows[i + 1]) > now then
    members[#members + 1] = rows[i]
    ends[#ends + 1] = rows[i + 1]
  end
end
if #members == 0 then
  return out
end
-- one HMGET for the page: a call per session cost more than the rest of the script
local states = redis.call('HMGET', KEYS[2], unpack(members))
for j = 1, #members do
  if states[j] then
    out[#out + 1] = members[j]
    out[#out + 1] = ends[j]
    out[#out + 1] = int(read_state(states[j]).active)
  end
end
return out
