-- send_prompt and upload, with the checksum verified.
-- modem: "AT+QMTPUB=0,1,1,0,\"up\"\r" -> "\r\n> "
-- modem: "{\"params\":{\"IndoorTemperature\":55,\"mhumi\":55}}\x1a" -> "\r\nOK\r\n\r\n+QMTPUB: 0,1,0\r\n"
-- modem: "AT+QMTPUBEX=0,0,0,0,\"up\",2\r" -> "\r\n>"
-- modem: "hi" -> "\r\nOK\r\n"
-- modem: "AT+QFUPL=\"RAM:ca.pem\",5,60\r" -> "\r\nCONNECT\r\n"
-- modem: "hello" -> "\r\n+QFUPL: 5,6b09\r\n\r\nOK\r\n"
local payload = json.encode({params = {IndoorTemperature = 55, mhumi = 55}})
send_prompt('AT+QMTPUB=0,1,1,0,"up"', payload)
local _, idx, msgid, result = wait_urc("+QMTPUB:")
assert(result == "0")
send_prompt('AT+QMTPUBEX=0,0,0,0,"up",2', "hi", {fixed = true})
local u = upload("RAM:ca.pem", "hello", {data = true})
assert(u.size == 5 and u.checksum == "6b09", u.checksum)
