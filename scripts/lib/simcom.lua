-- simcom: the steps of a SIMCom A76xx/SIM7600 MQTT(S) bring-up (CCERTDOWN,
-- CSSLCFG, CMQTT), shared by the shipped scripts. The 3GPP steps (SIM,
-- signal, registration) are the same on every family and come from quectel.
local q = require("quectel")
local M = {}

M.seconds, M.line, M.describe, M.pretty = q.seconds, q.line, q.describe, q.pretty
M.sim_ready, M.signal, M.registered = q.sim_ready, q.signal, q.registered

-- result returns the <err> of a "+CMQTT...: [<client>,]<err>" line.
local function result(line)
  local f = fields(line)
  return f[#f]
end

-- check fails with the decoded line unless its <err> is 0.
local function check(line)
  if result(line) ~= "0" then fail(M.describe(line)) end
end

-- put_cert downloads a PEM file into the module's certificate store under
-- name (AT+CCERTDOWN replaces a certificate of the same name).
function M.put_cert(name, path)
  local pem = read_file(path)
  if #pem == 0 then fail(path .. " is empty: pass the broker's CA certificate (PEM)") end
  send_prompt(string.format('AT+CCERTDOWN="%s",%d', name, #pem), pem, {fixed = true})
  for _, l in ipairs(send("AT+CCERTLIST").lines) do
    if fields(l)[1] == name then
      info(string.format("stored %s as %s: %d bytes", path, name, #pem))
      return
    end
  end
  fail("AT+CCERTDOWN answered OK but AT+CCERTLIST does not list " .. name)
end

-- start starts the MQTT service. The A7670 answers OK and then
-- +CMQTTSTART: 0; the SIM7600 puts the result before its OK (log 18);
-- 23 means it runs already.
function M.start()
  local r = send("AT+CMQTTSTART", {allow_error = true})
  local line = M.line(r, "+CMQTTSTART:")
  if line == "" and r.ok then
    line = wait_urc("+CMQTTSTART:", "30s")
  end
  local code = line ~= "" and result(line) or nil
  if code == "23" then
    info("the MQTT service runs already")
  elseif code ~= "0" then
    if line == "" then error(r.error, 0) end
    fail(M.describe(line))
  end
end

-- acquire takes client index c for client_id, releasing a client left
-- over from an earlier run first.
function M.acquire(c, client_id, tls)
  local cmd = string.format('AT+CMQTTACCQ=%d,"%s",%d', c, client_id, tls and 1 or 0)
  local r = send(cmd, {allow_error = true})
  if r.ok then return end
  info("client " .. c .. " is in use from an earlier run: disconnecting and releasing it")
  send(string.format("AT+CMQTTDISC=%d,60", c), {allow_error = true})
  pcall(wait_urc, string.format("+CMQTTDISC: %d,", c), "5s")
  send("AT+CMQTTREL=" .. c, {allow_error = true})
  send(cmd)
end

-- connect connects client c and waits for +CMQTTCONNECT.
function M.connect(c, host, port, keepalive, clean, user, pass, timeout)
  local cmd = string.format('AT+CMQTTCONNECT=%d,"tcp://%s:%d",%s,%s', c, host, port, keepalive, clean)
  if user then
    cmd = cmd .. string.format(',"%s"', user)
    if pass then cmd = cmd .. string.format(',"%s"', pass) end
  end
  send(cmd)
  check(wait_urc(string.format("+CMQTTCONNECT: %d,", c), timeout))
end

-- subscribe subscribes client c to topic (AT+CMQTTSUB with the topic
-- after the prompt).
function M.subscribe(c, topic, qos)
  send_prompt(string.format("AT+CMQTTSUB=%d,%d,%d", c, #topic, qos), topic, {fixed = true})
  check(wait_urc(string.format("+CMQTTSUB: %d,", c), "30s"))
end

-- publish sets the topic and the payload, each after its prompt, then
-- publishes and waits for +CMQTTPUB.
function M.publish(c, topic, payload, qos)
  send_prompt(string.format("AT+CMQTTTOPIC=%d,%d", c, #topic), topic, {fixed = true})
  send_prompt(string.format("AT+CMQTTPAYLOAD=%d,%d", c, #payload), payload, {fixed = true})
  send(string.format("AT+CMQTTPUB=%d,%d,60", c, qos))
  check(wait_urc(string.format("+CMQTTPUB: %d,", c), "70s"))
end

-- message reads one received message after its +CMQTTRXSTART: the topic
-- and the payload come as data after their lines, the payload in chunks.
function M.message(c, left)
  local _, _, topic_len, payload_len = wait_urc(string.format("+CMQTTRXSTART: %d,", c), left)
  local _, _, _, topic = wait_urc(string.format("+CMQTTRXTOPIC: %d,", c), "5s")
  local parts, got = {}, 0
  while got < tonumber(payload_len) do
    local _, _, n, chunk = wait_urc(string.format("+CMQTTRXPAYLOAD: %d,", c), "5s")
    parts[#parts + 1] = chunk
    got = got + tonumber(n)
  end
  wait_urc(string.format("+CMQTTRXEND: %d", c), "5s")
  if #topic ~= tonumber(topic_len) then
    warn(string.format("topic of %d bytes announced, %d received", topic_len, #topic))
  end
  return {topic = topic, payload = table.concat(parts)}
end

-- receive prints each incoming message until listen has passed or count
-- messages arrived (count 0: listen the whole time); it returns how many.
function M.receive(c, listen, count)
  local deadline = now() + M.seconds(listen)
  local got = 0
  while count == 0 or got < count do
    local left = deadline - now()
    if left <= 0 then break end
    local ok, msg = pcall(M.message, c, left)
    if not ok then
      if type(msg) == "table" and msg.kind == "timeout" then break end
      error(msg, 0)
    end
    got = got + 1
    info(string.format("message %d on %s, %d bytes", got, msg.topic, #msg.payload))
    print(msg.topic .. " " .. M.pretty(msg.payload))
  end
  return got
end

-- disconnect ends the session, releases the client and stops the service.
-- strict: a failure fails the step; otherwise it is only warned about.
function M.disconnect(c, connected, strict)
  local problems = {}
  if connected then
    local r = send(string.format("AT+CMQTTDISC=%d,60", c), {allow_error = true})
    if r.ok then
      local ok, line = pcall(wait_urc, string.format("+CMQTTDISC: %d,", c), "70s")
      if not ok then
        problems[#problems + 1] = tostring(line)
      elseif result(line) ~= "0" then
        problems[#problems + 1] = M.describe(line)
      end
    else
      problems[#problems + 1] = r.error.message
    end
  end
  local rel = send("AT+CMQTTREL=" .. c, {allow_error = true})
  if not rel.ok then problems[#problems + 1] = "release: " .. rel.error.message end
  local stop = send("AT+CMQTTSTOP", {allow_error = true})
  if stop.ok then
    pcall(wait_urc, "+CMQTTSTOP:", "30s")
  else
    problems[#problems + 1] = "stop: " .. stop.error.message
  end
  if #problems == 0 then
    info(connected and "disconnected" or "client released")
    return
  end
  local msg = "disconnect: " .. table.concat(problems, "; ")
  if strict then fail(msg) end
  warn(msg)
end

return M
