-- The Lua side of the round-trip comparison: send AT+CSQ n times after a
-- warm-up, time each call with now(), print the median in nanoseconds.
local n = tonumber(param("n", "3000"))
local warmup = tonumber(param("warmup", "200"))
for _ = 1, warmup do send("AT+CSQ") end
local d = {}
for i = 1, n do
  local t0 = now()
  send("AT+CSQ")
  d[i] = now() - t0
end
table.sort(d)
print(string.format("%.0f", d[math.floor(n / 2) + 1] * 1e9))
