#!lua
-- Counts a login attempt in each counter and says whether every one is still within its limit.
-- A counter's window starts at its first attempt and runs on Redis's clock.
-- KEYS[i] a counter   ARGV[2] window (ms)   ARGV[2 + i] the limit of KEYS[i]
-- Returns {1, 0} when allowed, else {0, ms until the last refusing counter's window ends}.
local wait = 0
for i = 1, #KEYS do
  local attempts = redis.call('INCR', KEYS[i])
  if attempts == 1 then
    redis.call('PEXPIRE', KEYS[i], ARGV[2])
  end
  if attempts > tonumber(ARGV[2 + i]) then
    wait = math.max(wait, redis.call('PTTL', KEYS[i]), 1)
  end
end
if wait > 0 then
  return {0, wait}
end
return {1, 0}
