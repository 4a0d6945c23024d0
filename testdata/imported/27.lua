-- Replays the import of 27-ec21j-wiolte-qhttp-get-read-stall-millis.txt (../shared/logs):
-- the commands the log shows, in its order, each waiting for what the log shows
-- the modem answering. Run by TestImportedLogsReplay (cmd/atrun).
send("AT+QHTTPCFG=\"requestheader\",0", {timeout = "60s"})
write_raw("AT+QHTTPURL=38\013")
expect("CONNECT", "60s")
write_raw("http://metadata.soracom.io/v1/userdata")
expect("OK", "60s")
send("AT+QHTTPGET", {timeout = "60s"})
-- The library reads once +QHTTPGET: 0,200 says the request succeeded.
local _, err, status = wait_urc("+QHTTPGET:", "60s")
assert(err == "0" and status == "200", "status " .. tostring(status))
-- The read stalls after CONNECT and one empty line: no body, no result.
local ok, e = pcall(send, "AT+QHTTPREAD", {timeout = "10s"})
assert(not ok and e.kind == "timeout", "the read should time out: " .. tostring(e))
-- The library reports the stalled read, as the log ends.
error("ERROR! 866")
