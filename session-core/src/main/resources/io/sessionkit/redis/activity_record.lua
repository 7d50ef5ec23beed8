#!lua
-- Adds an entry to a user's activity feed, keeping the newest ARGV[2] for ARGV[3] ms after the last.
-- KEYS[1] the feed   ARGV[1] entry JSON   ARGV[2] max entries   ARGV[3] retention (ms)
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
