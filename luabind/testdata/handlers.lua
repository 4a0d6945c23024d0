-- on_urc handlers run while the script waits; abort_on fails the wait.
-- modem: "AT+A\r" -> "\r\n+QMTRECV: 0,1,\"t\",2,\"hi\"\r\n\r\nOK\r\n"
-- modem: "AT+B\r" -> "\r\nOK\r\n\r\n+QMTSTAT: 0,1\r\n"
local got = {}
local stop = on_urc("+QMTRECV:", function(line, client, msgid, topic)
  got[#got + 1] = topic
end)
send("AT+A")
assert(got[1] == "t", "handler ran during send")
stop()
local remove = abort_on("+QMTSTAT:")
send("AT+B")
local ok, err = pcall(wait_urc, "+QMTPUB:", "5s")
assert(not ok and err.kind == "abort", tostring(err))
assert(err.line == "+QMTSTAT: 0,1")
assert(err.meaning ~= "", "meaning decoded")
remove()
