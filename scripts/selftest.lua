-- selftest: exercise every Lua primitive against the attached modem (with --set host=... also an MQTT loopback)
--
-- atrun run selftest --port /dev/ttyUSB2
-- atrun run selftest --sim          (the virtual EC20 and its broker)
-- Without a broker it checks the modem basics, the file upload and the
-- error paths; with host, ca_cert and credentials it also publishes to a
-- topic it subscribed to and checks the message comes back.

local q = require("quectel")
local passed = 0

local function check(cond, what)
  if not cond then fail("selftest: " .. what) end
  passed = passed + 1
end

step("Lua helpers", function()
  check(param("selftest_absent", "dflt") == "dflt", "param falls back to its default")
  check(param("selftest_absent") == nil, "param without a default is nil")
  local token = secret("selftest_token", "s3lftest-token")
  check(token == "s3lftest-token", "secret returns its value")
  local doc = json.decode(json.encode({n = 1, list = {1, 2}, s = "x"}))
  check(doc.n == 1 and doc.list[2] == 2 and doc.s == "x", "json round trip")
  check(json.encode({b = 1, a = 2}) == '{"a":2,"b":1}', "json keys sorted")
  check(q.seconds("250ms") == 0.25 and q.seconds("2s") == 2, "durations")
  local f = fields('+QMTOPEN: 0,"host, with comma",8883')
  check(f[1] == "0" and f[2] == "host, with comma" and f[3] == "8883", "fields keep quoted commas")
end)

step("Modem basics", function()
  send("AT", {retries = 5, retry_delay = "200ms", timeout = "1s"})
  send("ATE0")
  send("AT+CMEE=1")
  local ati = send("ATI")
  check(#ati.lines > 0, "ATI answers information lines")
  info("modem: " .. table.concat(ati.lines, " "))
  write_raw("AT\r")
  check(expect("OK", "2s") == "OK", "expect sees the answer to a raw write")
  local r = send("AT+NOSUCHCOMMAND", {allow_error = true})
  check(r.ok == false and r.error.kind == "modem", "an unknown command is a modem error")
  local ok, err = pcall(send, "AT+NOSUCHCOMMAND")
  check(not ok and err.kind == "modem" and err.result ~= "", "send raises a modem error table")
  local ok2, err2 = pcall(wait_urc, "+ATRUN-NEVER:", "50ms")
  check(not ok2 and err2.kind == "timeout", "wait_urc times out with a timeout error")
  local ok3, err3 = pcall(send, "AT+QMTCFG=“SSL”,0,1,2")
  check(not ok3 and err3.kind == "command", "typographic quotes are refused before sending")
end)

step("File upload", function()
  local name = "RAM:atrun_selftest.txt"
  local data = "atrun selftest\n" .. string.rep("0123456789abcdef", 64) .. "!"
  send(string.format('AT+QFDEL="%s"', name), {allow_error = true})
  local up = upload(name, data, {data = true})
  check(up.size == #data, "upload reports the size sent")
  local listed = q.line(send(string.format('AT+QFLST="%s"', name)), "+QFLST:")
  check(listed:find(tostring(#data), 1, true), "the modem lists the uploaded size")
  local again = send(string.format('AT+QFUPL="%s",%d,5', name, #data), {allow_error = true})
  check(again.ok == false and again.error.code == 407, "uploading an existing name gives +CME ERROR: 407")
  send(string.format('AT+QFDEL="%s"', name))
end)

local host = param("host")
if not host then
  info(string.format("selftest passed: %d checks (no broker given: pass --set host=... or use --sim for the MQTT part)", passed))
  return
end

step("MQTT loopback", function()
  local C, X = 0, tonumber(param("ssl_ctx", "2"))
  local topic = "atrun/selftest/" .. tostring(math.floor(now()))
  send('AT+QMTCFG="recv/mode",0,0,1')
  send(string.format('AT+QMTCFG="ssl",0,1,%d', X))
  send('AT+QMTCFG="version",0,4')
  q.put_file("RAM:selftest_ca.pem", param("ca_cert") or fail("selftest: the MQTT part needs --set ca_cert=<PEM>"))
  send(string.format('AT+QSSLCFG="cacert",%d,"RAM:selftest_ca.pem"', X))
  send(string.format('AT+QSSLCFG="seclevel",%d,1', X))
  q.close_if_open(C)
  q.open(C, host, tonumber(param("port", "8883")), "60s")
  send(string.format('AT+QMTCONN=0,"atrun-selftest","%s","%s"', param("username", ""), secret("password") or ""))
  local _, _, result, code = wait_urc("+QMTCONN: 0,", "30s")
  check(result == "0" and code == "0", "MQTT connect accepted")
  local stop_abort = abort_on("+QMTSTAT: 0,")
  local seen = {}
  local stop_handler = on_urc("+QMTRECV: 0,", function(line)
    seen[#seen + 1] = q.recv(line)
  end)
  send(string.format('AT+QMTSUB=0,1,"%s",1', topic))
  wait_urc("+QMTSUB: 0,1,", "30s")
  local payload = json.encode({selftest = true, at = math.floor(now())})
  send_prompt(string.format('AT+QMTPUB=0,1,1,0,"%s"', topic), payload)
  -- The handler runs during any wait on the modem: first the publish result,
  -- then short sleeps until the message is back.
  local _, _, _, pub = wait_urc("+QMTPUB: 0,1,", "10s")
  check(pub == "0", "publish acknowledged")
  local deadline = now() + 10
  while #seen == 0 and now() < deadline do
    sleep("20ms")
  end
  check(#seen == 1 and seen[1].payload == payload, "the published message came back through on_urc")
  stop_handler()
  -- The same through wait_urc, with the fixed-length form when the firmware has it.
  q.publish(C, "auto", topic, "second", 1)
  local line = wait_urc("+QMTRECV: 0,", "10s")
  check(q.recv(line).payload == "second", "wait_urc returns the second message")
  stop_abort()
  q.disconnect(C, true)
end)

info(string.format("selftest passed: %d checks", passed))
