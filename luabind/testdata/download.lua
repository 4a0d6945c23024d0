-- downloads: the bytes after CONNECT (or announced by +QIRD) are r.data,
-- exact, whatever they hold; AT+QFDWL's size and checksum are checked.
-- modem: "AT+QFDWL=\"RAM:a.txt\"\r" -> "\r\nCONNECT\r\nhi\r\n> OK\x00\r\n+QFDWL: 9,1408\r\n\r\nOK\r\n"
-- modem: "AT+QHTTPREAD=80\r" -> "\r\nCONNECT\r\n{\"a\":1}\r\nOK\r\n\r\n+QHTTPREAD: 0\r\n"
-- modem: "AT+QIRD=0,1500\r" -> "\r\n+QIRD: 5\r\nOK\r\n>\r\n\r\nOK\r\n"
-- modem: "AT+QFDWL=\"RAM:b.txt\"\r" -> "\r\nCONNECT\r\nab\r\n+QFDWL: 3,6162\r\n\r\nOK\r\n"
-- modem: "AT+CMGS=1\r" -> "\r\n+CMT: \"+49\",,\"26/03/02,09:15:04+04\"\r\n> hello\r\n\r\nOK\r\n"
local r = send('AT+QFDWL="RAM:a.txt"', {download = true})
assert(r.data == "hi\r\n> OK\0", string.format("%q", r.data))
assert(r.lines[1] == "+QFDWL: 9,1408")
local body = send("AT+QHTTPREAD=80", {download = true, timeout = "80s"})
assert(body.data == '{"a":1}', body.data)
assert(wait_urc("+QHTTPREAD:", "1s") == "+QHTTPREAD: 0")
local sock = send("AT+QIRD=0,1500", {download = true})
assert(sock.data == "OK\r\n>", string.format("%q", sock.data))
local ok, err = pcall(send, 'AT+QFDWL="RAM:b.txt"', {download = true})
assert(not ok and err.kind == "download" and err.message:find("received 2 bytes but the modem sent 3"), tostring(err.message))
send("AT+CMGS=1")
local line, from, _, at, text = wait_urc("+CMT:", "1s")
assert(from == "+49" and text == "> hello", tostring(text))
