-- Shared by every sessionkit script: inserted after each script's first (#!lua) line.
-- Every key a script touches comes in KEYS[]; nothing here or in a script builds a key name.

-- Now, in ms: Redis's own clock, so every instance agrees on what has ended whatever its own clock
-- says; or ARGV[1] when it is not empty (a store given a clock, which tests do to move time).
local function now_ms()
  if ARGV[1] ~= '' then
    return tonumber(ARGV[1])
  end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- A whole number as Redis arguments want it (Lua would print large ones in exponent form).
local function int(n)
  return string.format('%.0f', n)
end

local DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz'
local function b36(n)
  n = math.floor(n)
  local s = ''
  repeat
    local d = n % 36
    s = string.sub(DIGITS, d + 1, d + 1) .. s
    n = math.floor(n / 36)
  until n == 0
  return s
end

local function split(s)
  local parts = {}
  for part in string.gmatch(s, '[^.]+') do
    parts[#parts + 1] = part
  end
  return parts
end

-- A session's state, one field of the user's state hash: last activity (ms, base 36), refresh
-- generation, hash of the current refresh nonce, tag key, absolute expiry (ms, base 36) and, only
-- with an idle timeout, that timeout (ms, base 36). Short enough for Redis's compact encoding.
local function read_state(value)
  local p = split(value)
  return {active = tonumber(p[1], 36), gen = tonumber(p[2]), hash = p[3], key = p[4],
    exp = tonumber(p[5], 36), idle = p[6] and tonumber(p[6], 36) or 0}
end

local function write_state(s)
  local value = b36(s.active) .. '.' .. s.gen .. '.' .. s.hash .. '.' .. s.key .. '.' .. b36(s.exp)
  if s.idle > 0 then
    value = value .. '.' .. b36(s.idle)
  end
  return value
end

-- Keeps a key for at least ttl ms.
local function keep_at_least(key, ttl)
  if ttl > 0 and redis.call('PTTL', key) < ttl then
    redis.call('PEXPIRE', key, int(ttl))
  end
end

local function hex_to_bytes(hex)
  return (string.gsub(hex, '..', function(pair) return string.char(tonumber(pair, 16)) end))
end

-- HMAC-SHA1 (RFC 2104) in hex: the only hash Redis scripts have is SHA-1.
local function hmac_sha1(secret, message)
  if #secret > 64 then
    secret = hex_to_bytes(redis.sha1hex(secret))
  end
  secret = secret .. string.rep('\0', 64 - #secret)
  local inner, outer = {}, {}
  for i = 1, 64 do
    local b = string.byte(secret, i)
    inner[i] = string.char(bit.bxor(b, 0x36))
    outer[i] = string.char(bit.bxor(b, 0x5c))
  end
  local digest = hex_to_bytes(redis.sha1hex(table.concat(inner) .. message))
  return redis.sha1hex(table.concat(outer) .. digest)
end
