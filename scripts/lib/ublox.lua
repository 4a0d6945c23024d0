-- ublox: the steps of a u-blox SARA-R5 MQTT(S) bring-up (USECMNG, USECPRF,
-- UMQTT, UMQTTC), shared by the shipped scripts. The 3GPP steps (SIM,
-- signal, registration) are the same on every family and come from quectel.
local q = require("quectel")
local M = {}

M.seconds, M.line, M.describe, M.pretty = q.seconds, q.line, q.describe, q.pretty
M.sim_ready, M.signal, M.registered = q.sim_ready, q.signal, q.registered

-- last_error reads AT+UMQTTER, decoded, for a failure message.
local function last_error()
  local r = send("AT+UMQTTER", {allow_error = true})
  local line = r.ok and M.line(r, "+UMQTTER:") or ""
  if line == "" then return "" end
  return " (" .. M.describe(line) .. ")"
end

-- taken checks the "+UMQTTC: <op>,1" / "+UMQTT: <op>,1" answer of cmd.
local function taken(cmd, prefix)
  local r = send(cmd)
  local line = M.line(r, prefix)
  if fields(line)[2] ~= "1" then
    fail(cmd:gsub('"[^"]*"', '"..."') .. ": " .. (line ~= "" and M.describe(line) or "no " .. prefix .. " answer") .. last_error())
  end
end

-- set sets one item of the MQTT profile (AT+UMQTT=<op>,...).
function M.set(args)
  taken("AT+UMQTT=" .. args, "+UMQTT:")
end

-- put_cert imports a PEM file into the security manager as name (type 0
-- a CA, 1 a client certificate, 2 a client key) and checks the MD5 the
-- module reports is that of a file of this size (the bytes are the
-- file's: the prompt takes exactly their count).
function M.put_cert(typ, name, path)
  local pem = read_file(path)
  if #pem == 0 then fail(path .. " is empty: pass the broker's CA certificate (PEM)") end
  local r = send_prompt(string.format('AT+USECMNG=0,%d,"%s",%d', typ, name, #pem), pem, {fixed = true})
  local line = M.line(r, "+USECMNG:")
  local f = fields(line)
  if f[1] ~= "0" or f[3] ~= name then
    fail("AT+USECMNG answered OK without storing " .. name .. (line ~= "" and (": " .. line) or ""))
  end
  info(string.format("stored %s as %s: %d bytes, MD5 %s", path, name, #pem, f[4] or "?"))
end

-- login logs in (TCP, TLS and CONNECT in one step) and waits for
-- +UUMQTTC: 1,<result>: 1 is success on the SARA-R5.
function M.login(timeout)
  taken("AT+UMQTTC=1", "+UMQTTC:")
  local line, _, result = wait_urc("+UUMQTTC: 1,", timeout)
  if result ~= "1" then
    fail(M.describe(line) .. last_error())
  end
end

-- subscribe subscribes to filter and returns the granted QoS.
function M.subscribe(filter, qos)
  taken(string.format('AT+UMQTTC=4,%d,"%s"', qos, filter), "+UMQTTC:")
  local line, _, result, granted = wait_urc("+UUMQTTC: 4,", "30s")
  if result ~= "1" then fail(M.describe(line) .. last_error()) end
  return granted
end

-- publish sends payload with the binary form (AT+UMQTTC=9, a ">" prompt
-- and exactly the payload's bytes, so quotes and commas are safe) and
-- waits for +UUMQTTC: 9,<1|0>.
function M.publish(topic, payload, qos)
  local r = send_prompt(string.format('AT+UMQTTC=9,%d,0,"%s",%d', qos, topic, #payload), payload, {fixed = true})
  if fields(M.line(r, "+UMQTTC:"))[2] ~= "1" then
    fail("publish refused: " .. M.line(r, "+UMQTTC:") .. last_error())
  end
  local line, _, result = wait_urc("+UUMQTTC: 9,", "60s")
  if result ~= "1" then fail(M.describe(line) .. last_error()) end
end

-- read parses one message of the AT+UMQTTC=6 answer:
--   +UMQTTC: 6,<qos>,<topic+msg len>,<topic len>,"<topic>",<msg len>,"<msg>"
-- The message is taken by its length, so quotes and commas in it are safe.
function M.read(line)
  local qos, topic, len, rest = line:match('^%+UMQTTC:%s*6,(%d+),%d+,%d+,"([^"]*)",(%d+),"(.*)$')
  if not qos then return nil, "not a message: " .. line end
  return {qos = tonumber(qos), topic = topic, payload = rest:sub(1, tonumber(len))}
end

-- receive waits for the unread notice (+UUMQTTC: 6,<n>) and reads the
-- messages one at a time, until listen has passed or count messages
-- arrived (count 0: listen the whole time); it returns how many.
function M.receive(listen, count)
  local deadline = now() + M.seconds(listen)
  local got = 0
  while count == 0 or got < count do
    local left = deadline - now()
    if left <= 0 then break end
    local ok, err = pcall(wait_urc, "+UUMQTTC: 6,", left)
    if not ok then
      if type(err) == "table" and err.kind == "timeout" then break end
      error(err, 0)
    end
    local r = send("AT+UMQTTC=6,1")
    for _, l in ipairs(r.lines) do
      local msg = M.read(l)
      if msg then
        got = got + 1
        info(string.format("message %d on %s, %d bytes", got, msg.topic, #msg.payload))
        print(msg.topic .. " " .. M.pretty(msg.payload))
      end
    end
  end
  return got
end

-- logout ends the session. strict: a failure fails the step; otherwise it
-- is only warned about.
function M.logout(strict)
  local r = send("AT+UMQTTC=0", {allow_error = true})
  local problem
  if r.ok and fields(M.line(r, "+UMQTTC:"))[2] == "1" then
    local ok, line = pcall(wait_urc, "+UUMQTTC: 0,", "30s")
    if ok and fields(line)[2] == "1" then
      info("logged out")
      return
    end
    problem = ok and M.describe(line) or tostring(line)
  else
    problem = r.ok and M.describe(M.line(r, "+UMQTTC:")) or r.error.message
  end
  if strict then fail("logout: " .. problem) end
  warn("logout: " .. problem)
end

return M
