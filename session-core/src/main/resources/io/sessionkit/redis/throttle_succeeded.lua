#!lua
-- Takes back a login attempt that succeeded: forgets the account's failures from the address
-- (KEYS[1], when given with ARGV[2] = '1'), and counts the attempt out of the other counters.
-- KEYS[i] a counter   ARGV[2] '1' when KEYS[1] is the account-and-address counter, else '0'
local first = 1
if ARGV[2] == '1' then
  redis.call('DEL', KEYS[1])
  first = 2
end
for i = first, #KEYS do
  if (tonumber(redis.call('GET', KEYS[i])) or 0) > 0 then
    redis.call('DECR', KEYS[i])
  end
end
return 1
