-- Replays the import of 27-ec21j-wiolte-qhttp-get-read-stall-millis.txt (../shared/logs):
-- the commands the log shows, in its order, each waiting for what the log shows
-- the modem answering. Run by TestImportedLogsReplay (cmd/atrun).
send("AT+QHTTPCFG=\"requestheader\",0", {timeout = "60s"})
write_raw("AT+QHTTPURL=38\013")
expect("CONNECT", "60s")
write_raw("http://metadata.soracom.io/v1/userdata")
expect("OK", "60s")
send("AT+QHTTPGET", {timeout = "60s"})
-- The log ends in the stall it was posted for: CONNECT, then nothing.
-- A replay holds a script to succeeding when the log shows no outcome,
-- so the script checks that the read stalls.
local ok, rerr = pcall(send, "AT+QHTTPREAD", {timeout = "60s"})
assert(not ok and rerr.kind == "timeout", "AT+QHTTPREAD should stall after CONNECT: " .. tostring(rerr))
-- +QHTTPGET: 0,200 came before the read: the request succeeded.
local _, err, status = wait_urc("+QHTTPGET:", "1s")
assert(err == "0" and status == "200", "status " .. tostring(status))
