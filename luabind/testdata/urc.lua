-- wait_urc finds a URC that came with the OK; captures are the fields.
-- modem: "AT+QMTOPEN=0,\"h\",8883\r" -> "\r\nOK\r\n\r\n+QMTOPEN: 0,0\r\n"
-- modem: "AT+X\r" -> "\r\nOK\r\n\r\n+QMTRECV: 0,1,\"t/1\",5,\"hello\"\r\n"
-- modem: "AT+Y\r" -> "\r\n+QIND: \"csq\",20,99\r\n\r\nOK\r\n"
send('AT+QMTOPEN=0,"h",8883')
local line, idx, result = wait_urc("+QMTOPEN:", "5s")
assert(line == "+QMTOPEN: 0,0" and idx == "0" and result == "0", line)
send("AT+X")
local l2, client, msgid = wait_urc(pattern("^%+QMTRECV: (%d+),(%d+)"), 5)
assert(client == "0" and msgid == "1", tostring(msgid))
send("AT+Y")
local l3 = expect("+QIND:")
assert(l3 == '+QIND: "csq",20,99')
local ok, err = pcall(wait_urc, "+QMTSTAT:", "20ms")
assert(not ok and err.kind == "timeout", tostring(err))
