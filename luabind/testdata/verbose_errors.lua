-- Under AT+CMEE=2 errors come as text; err.code is still the number, and
-- the hint is still there, so a script testing err.code == 405 works in
-- either mode.
-- modem: "AT+CMEE=2\r" -> "\r\nOK\r\n"
-- modem: "AT+QFDEL=\"x.txt\"\r" -> "\r\n+CME ERROR: file not found\r\n"
-- modem: "AT+QFUPL=\"x.txt\",5\r" -> "\r\n+CME ERROR: file already existed\r\n"
-- modem: "AT+CMGS=\"+100\"\r" -> "\r\n+CMS ERROR: SMSC address unknown\r\n"
send("AT+CMEE=2")
local ok, err = pcall(send, 'AT+QFDEL="x.txt"')
assert(not ok and err.kind == "modem", tostring(err))
assert(err.code == 405, "code " .. tostring(err.code))
assert(err.result == "+CME ERROR: file not found", err.result)
assert(err.hint:find("AT+QFLST", 1, true), "hint: " .. err.hint)
assert(tostring(err):find("405"), tostring(err))
ok, err = pcall(send, 'AT+QFUPL="x.txt",5')
assert(err.code == 407 and err.hint ~= "", "407: " .. tostring(err.code))
ok, err = pcall(send, 'AT+CMGS="+100"')
assert(err.code == 330 and err.hint:find("AT+CSCA", 1, true), "330: " .. tostring(err.code))
