-- Closures keep their upvalues after pcall caught an error, in steps,
-- handlers and nested protected calls.
-- modem: "AT\r" -> "\r\nERROR\r\n"
-- modem: "AT+B\r" -> "\r\nRING\r\n\r\nOK\r\n"
local n = 0
local function inc() n = n + 1 end
inc()
pcall(error, "x")
inc()
assert(n == 2, "after pcall(error): " .. n)
step("s", function()
  inc()
  local ok = pcall(send, "AT")
  assert(not ok)
  inc()
  pcall(function() pcall(error, "inner") inc() error("outer") end)
  inc()
end)
assert(n == 6, "after a step with nested pcalls: " .. n)
xpcall(function() error("y") end, function(e) inc() return e end)
inc()
assert(n == 8, "after xpcall: " .. n)
local rings = 0
on_urc("RING", function() rings = rings + 1 pcall(error, "in handler") end)
send("AT+B")
inc()
assert(rings == 1 and n == 9, "after a handler: rings " .. rings .. ", n " .. n)
-- Inside a coroutine, a thread of its own.
local function count()
  local m = 0
  local function up() m = m + 1 end
  up(); pcall(error, "x"); up()
  coroutine.yield(m)
  up(); pcall(error, "again"); up()
  return m
end
local co = coroutine.create(count)
local ok, got = coroutine.resume(co)
assert(ok and got == 2, "inside coroutine.resume: " .. tostring(got))
ok, got = coroutine.resume(co)
assert(ok and got == 4, "after a second resume: " .. tostring(got))
local wrapped = coroutine.wrap(count)
got = wrapped()
assert(got == 2, "inside coroutine.wrap: " .. tostring(got))
assert(wrapped() == 4, "after a second call of the wrapped coroutine")
