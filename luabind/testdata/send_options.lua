-- expect, retries and retry_delay; a response that does not hold the
-- expected text is retried, then succeeds.
-- modem: "AT+CPIN?\r" -> "\r\n+CPIN: NOT READY\r\n\r\nOK\r\n"
-- modem: "AT+CPIN?\r" -> "\r\n+CME ERROR: 14\r\n"
-- modem: "AT+CPIN?\r" -> "\r\n+CPIN: READY\r\n\r\nOK\r\n"
local r = send("AT+CPIN?", {expect = "+CPIN: READY", retries = 3, retry_delay = "1ms", timeout = "2s"})
assert(r.lines[1] == "+CPIN: READY")
-- want-log: retrying
