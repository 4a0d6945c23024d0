-- send returns the response; errors raise a table carrying the modem's answer.
-- modem: "AT\r" -> "AT\r\r\nOK\r\n"
-- modem: "AT+CSQ\r" -> "\r\n+CSQ: 19,99\r\n\r\nOK\r\n"
-- modem: "AT+CPIN?\r" -> "\r\n+CME ERROR: 10\r\n"
-- modem: "AT+QFUPL=\"x\",1,1\r" -> "\r\n+CME ERROR: 407\r\n"
local r = send("AT")
assert(r.final == "OK" and #r.lines == 0 and r.ok, "AT")
local csq = send("AT+CSQ")
assert(csq.lines[1] == "+CSQ: 19,99", csq.lines[1])
local f = fields(csq.lines[1])
assert(f[1] == "19" and f[2] == "99")
assert(type(csq.elapsed) == "number")

local ok, err = pcall(send, "AT+CPIN?")
assert(not ok, "CPIN should fail")
assert(err.kind == "modem", err.kind)
assert(err.code == 10, tostring(err.code))
assert(err.result == "+CME ERROR: 10")
assert(err.meaning:find("SIM not inserted"), err.meaning)
assert(tostring(err):find("CPIN"), tostring(err))

-- allow_error: the error comes back as a value
local up = send('AT+QFUPL="x",1,1', {allow_error = true})
assert(up.ok == false and up.error.code == 407, "407 as value")
print("done")
-- want-print: done
