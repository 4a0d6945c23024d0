-- quectel: the steps of a Quectel modem bring-up, shared by the shipped scripts.
local M = {}

-- seconds turns a duration ("5s", "250ms", "2m", or a number of seconds)
-- into seconds.
function M.seconds(d)
  if type(d) == "number" then return d end
  local n, unit = tostring(d):match("^%s*([%d%.]+)%s*(%a*)%s*$")
  n = tonumber(n)
  if not n then fail("bad duration " .. tostring(d) .. ': write it as "5s", "250ms" or seconds') end
  local scale = ({[""] = 1, s = 1, ms = 0.001, m = 60, h = 3600})[unit]
  if not scale then fail("bad duration unit in " .. tostring(d)) end
  return n * scale
end

-- line returns the first line of a response that starts with prefix, ""
-- when there is none: a noisy line may put junk before the answer.
function M.line(resp, prefix)
  for _, l in ipairs(resp.lines) do
    if l:sub(1, #prefix) == prefix then return l end
  end
  return ""
end

-- describe is a modem line with its decoded meaning and what to check.
function M.describe(line)
  local meaning, hint = explain(line)
  local s = line
  if meaning ~= "" then s = s .. ": " .. meaning end
  if hint ~= "" then s = s .. " (" .. hint .. ")" end
  return s
end

-- guess_urcport tells, from the port's name, which AT+QURCCFG="urcport"
-- value it is, or nil when the name does not say.
function M.guess_urcport(name)
  if not name or name == "" then return nil end
  if name:match("ttyUSB2$") then return "usbat" end
  if name:match("ttyUSB3$") then return "usbmodem" end
  if name:match("ttyS%d+$") or name:match("ttyAMA%d+$") or name:match("ttyTHS%d+$") then return "uart1" end
  return nil
end

-- check_urcport warns when the modem sends its URCs to another port than
-- this one: +QMTOPEN, +QMTRECV and every other result would never arrive.
function M.check_urcport(expected, fix)
  local r = send('AT+QURCCFG="urcport"', {allow_error = true})
  if not r.ok then
    warn("cannot read where URCs go (AT+QURCCFG): " .. r.error.message)
    return
  end
  local current = fields(M.line(r, "+QURCCFG:"))[2]
  if not current then return end
  expected = expected or M.guess_urcport(port())
  if current == "all" or current == expected then
    info("URCs go to " .. current)
    return
  end
  if not expected then
    info(string.format('URCs go to %s; if %s is not that port, pass --set urcport=<usbat|usbmodem|uart1> to check it',
      current, port() ~= "" and port() or "this port"))
    return
  end
  if fix then
    send(string.format('AT+QURCCFG="urcport","%s"', expected))
    info(string.format("URCs went to %s; now to %s", current, expected))
    return
  end
  warn(string.format('URCs go to %s but this port is %s: +QMTOPEN, +QMTRECV and every other result would never arrive here. ' ..
    'Pass --set fix_urcport=1 to send AT+QURCCFG="urcport","%s"', current, expected, expected))
end

-- sim_ready waits until AT+CPIN? answers READY, entering the PIN when
-- asked and one is given.
function M.sim_ready(pin, timeout)
  local deadline = now() + M.seconds(timeout)
  local pin_sent = false
  while true do
    local r = send("AT+CPIN?", {allow_error = true})
    local state = r.ok and M.line(r, "+CPIN:"):match("^%+CPIN:%s*(.-)%s*$")
    if state == "READY" then
      info("SIM ready")
      return
    elseif state == "SIM PIN" then
      if not pin then fail("the SIM wants its PIN: pass --set pin=NNNN or set ATRUN_PIN") end
      if pin_sent then fail("the SIM still wants its PIN after AT+CPIN: check the PIN (each wrong one uses up one of three tries)") end
      send("AT+CPIN=" .. pin)
      pin_sent = true
    elseif state == "SIM PUK" or state == "SIM PUK2" then
      fail("the SIM is locked (" .. state .. "): unlock it with its PUK in a phone; atrun will not guess")
    elseif not r.ok then
      local e = r.error
      if e.kind == "modem" and e.code == 10 then
        fail("no SIM (" .. e.result .. ": SIM not inserted): check the card and its tray")
      elseif not (e.kind == "timeout" or (e.kind == "modem" and (e.code == 14 or e.code == 13))) then
        error(e, 0)
      end
    end
    if now() >= deadline then
      fail("the SIM is not ready after " .. timeout .. (state and (" (+CPIN: " .. state .. ")") or ""))
    end
    sleep("500ms")
  end
end

-- signal polls AT+CSQ until the modem reports a level (rssi not 99) and
-- returns it decoded.
function M.signal(timeout)
  local deadline = now() + M.seconds(timeout)
  while true do
    local line = M.line(send("AT+CSQ"), "+CSQ:")
    local rssi = tonumber(fields(line)[1])
    if rssi and rssi ~= 99 then
      return line .. " (" .. explain(line, "AT+CSQ") .. ")"
    end
    if now() >= deadline then
      fail("no signal: " .. line .. " for " .. timeout .. ": check the antenna and that the operator's bands reach here")
    end
    sleep("1s")
  end
end

-- reg_stat returns the <stat> of a +CREG:/+CEREG: read answer (n,stat,...).
local function reg_stat(resp, prefix)
  local l = M.line(resp, prefix)
  return tonumber(fields(l)[2]), l
end

-- registered waits until the modem is registered on the circuit (CREG) or
-- LTE (CEREG) side, home (1) or roaming (5). Registration URCs wake it as
-- soon as the state changes; denied (3) fails at once.
function M.registered(timeout)
  local deadline = now() + M.seconds(timeout)
  send("AT+CREG=1")
  send("AT+CEREG=1")
  while true do
    local creg, cline = reg_stat(send("AT+CREG?"), "+CREG:")
    local cereg, eline = reg_stat(send("AT+CEREG?"), "+CEREG:")
    if creg == 1 or creg == 5 or cereg == 1 or cereg == 5 then
      local line = (cereg == 1 or cereg == 5) and eline or cline
      info("registered: " .. line .. " (" .. explain(line, line:match("^%+CE?REG") == "+CEREG" and "AT+CEREG?" or "AT+CREG?") .. ")")
      send("AT+CREG=0")
      send("AT+CEREG=0")
      return
    end
    if creg == 3 or cereg == 3 then
      fail("registration denied (" .. cline .. ", " .. eline .. "): the network refuses this SIM; check the SIM's plan, that it is activated, and roaming")
    end
    local left = deadline - now()
    if left <= 0 then
      fail("not registered after " .. timeout .. " (" .. cline .. ", " .. eline .. "): check the antenna, the SIM's plan and the bands")
    end
    pcall(wait_urc, pattern("^%+C[GE]?REG:"), left)
  end
end

-- put_file uploads a local file as name, replacing an old copy, with the
-- size and checksum the modem reports checked.
function M.put_file(name, path)
  local del = send(string.format('AT+QFDEL="%s"', name), {allow_error = true})
  if not del.ok and not (del.error.kind == "modem" and del.error.code == 405) then
    warn("could not delete an old " .. name .. ": " .. del.error.message)
  end
  local ok, res = pcall(upload, name, path)
  if not ok and type(res) == "table" and res.code == 407 then
    info(name .. " still exists (+CME ERROR: 407, file already exists): deleting it and uploading again")
    send(string.format('AT+QFDEL="%s"', name))
    res = upload(name, path)
  elseif not ok then
    error(res, 0)
  end
  info(string.format("uploaded %s as %s: %d bytes, checksum %s, verified", path, name, res.size, res.checksum))
end

-- close_if_open closes the MQTT client left open by an earlier run.
function M.close_if_open(client)
  for _, l in ipairs(send("AT+QMTOPEN?").lines) do
    if tonumber(fields(l)[1]) == client then
      info("client " .. client .. " is still open from an earlier run (" .. l .. "): closing it")
      M.close(client)
    end
  end
end

function M.close(client)
  send("AT+QMTCLOSE=" .. client)
  wait_urc("+QMTCLOSE: " .. client .. ",", "30s")
end

-- open opens the TCP/TLS link to the broker (the TLS handshake happens
-- here) and waits for +QMTOPEN.
function M.open(client, host, port, timeout)
  for attempt = 1, 2 do
    send(string.format('AT+QMTOPEN=%d,"%s",%d', client, host, port))
    local line, _, result = wait_urc("+QMTOPEN: " .. client .. ",", timeout)
    if result == "0" then
      info(string.format("link open to %s:%d", host, port))
      return
    end
    if result == "2" and attempt == 1 then
      info(line .. ": client " .. client .. " is in use; closing it and trying again")
      M.close(client)
    else
      fail(M.describe(line))
    end
  end
end

-- publish sends payload to topic and waits for the outcome: 0 sent (and
-- acknowledged for QoS > 0), 1 retransmitting (keep waiting), 2 failed.
-- mode "auto" uses AT+QMTPUBEX (length-delimited, any payload) when the
-- firmware has it, else AT+QMTPUB with Ctrl+Z.
function M.publish(client, mode, topic, payload, qos)
  local msgid = qos == 0 and 0 or 1
  if mode == "auto" then
    mode = send("AT+QMTPUBEX=?", {allow_error = true}).ok and "qmtpubex" or "qmtpub"
  end
  if mode == "qmtpubex" then
    send_prompt(string.format('AT+QMTPUBEX=%d,%d,%d,0,"%s",%d', client, msgid, qos, topic, #payload), payload, {fixed = true})
  elseif mode == "qmtpub" then
    send_prompt(string.format('AT+QMTPUB=%d,%d,%d,0,"%s"', client, msgid, qos, topic), payload)
  else
    fail("publish must be auto, qmtpub or qmtpubex, not " .. mode)
  end
  while true do
    local line = wait_urc(pattern(string.format("^%%+QMTPUBE?X?: %d,%d,", client, msgid)), "60s")
    local f = fields(line)
    if f[3] == "0" then return end
    if f[3] == "1" then
      info("publish retransmitted (" .. (f[4] or "?") .. " times so far)")
    else
      fail(M.describe(line))
    end
  end
end

-- recv parses +QMTRECV with recv/mode x,0,1 (length field on):
--   +QMTRECV: <client>,<msgid>,"<topic>",<len>,"<payload>"
-- The payload is taken by its length, so quotes and commas inside it are
-- safe. Without the length field, it runs to the last quote of the line.
function M.recv(line)
  local client, msgid, topic, rest = line:match('^%+QMTRECV:%s*(%d+),(%d+),"([^"]*)",(.*)$')
  if not client then
    return nil, "not a +QMTRECV line: " .. line
  end
  local len, quoted = rest:match('^(%d+),"(.*)$')
  local payload
  if len then
    payload = quoted:sub(1, tonumber(len))
  else
    payload = rest:match('^"(.*)"$') or rest
  end
  return {client = tonumber(client), msgid = tonumber(msgid), topic = topic,
          length = len and tonumber(len) or #payload, payload = payload}
end

-- pretty returns a JSON payload indented, anything else as it is.
function M.pretty(payload)
  local v = json.decode(payload)
  if type(v) == "table" then return json.encode(v, "  ") end
  return payload
end

-- receive prints each incoming message until listen has passed or count
-- messages arrived (count 0: listen the whole time). It returns how many
-- arrived.
function M.receive(client, listen, count)
  local deadline = now() + M.seconds(listen)
  local got = 0
  while count == 0 or got < count do
    local left = deadline - now()
    if left <= 0 then break end
    local ok, line = pcall(wait_urc, "+QMTRECV: " .. client .. ",", left)
    if not ok then
      if type(line) == "table" and line.kind == "timeout" then break end
      error(line, 0)
    end
    local m = assert(M.recv(line))
    got = got + 1
    info(string.format("message %d on %s, %d bytes", got, m.topic, m.length))
    print(m.topic .. " " .. M.pretty(m.payload))
  end
  return got
end

-- close_quietly closes the link of a client whose session never started,
-- and only warns if that fails.
function M.close_quietly(client)
  local ok, err = pcall(M.close, client)
  if ok then
    info("link closed")
  else
    warn("closing the link: " .. tostring(err))
  end
end

-- disconnect ends the MQTT session (AT+QMTDISC), closing the link if that
-- fails. strict: a failure fails the step; otherwise it is only warned
-- about (after another failure, which is the one to report).
function M.disconnect(client, strict)
  local r = send("AT+QMTDISC=" .. client, {allow_error = true})
  local problem
  if r.ok then
    local ok, line = pcall(wait_urc, "+QMTDISC: " .. client .. ",", "30s")
    if ok and fields(line)[2] == "0" then
      info("disconnected")
      return
    end
    problem = ok and M.describe(line) or tostring(line)
  else
    problem = r.error.message
  end
  local closed = pcall(M.close, client)
  local msg = "disconnect: " .. problem .. (closed and " (link closed with AT+QMTCLOSE)" or "")
  if strict then fail(msg) end
  warn(msg)
end

return M
