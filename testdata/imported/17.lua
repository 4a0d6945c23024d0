-- Replays the import of 17-bg96-tinygsm-attach-qilocip-unsupported.txt (../shared/logs):
-- the commands the log shows, in its order, each waiting for what the log shows
-- the modem answering. Run by TestImportedLogsReplay (cmd/atrun).
send("AT+QIDEACT=1", {timeout = "60s"})
send("AT+QICSGP=1,1,\"internet\",\"\",\"\"", {timeout = "60s"})
send("AT+QIACT=1", {timeout = "60s"})
send("AT+CGATT=1", {timeout = "60s"})
send("AT+CGATT?", {timeout = "60s"})
send("AT+QILOCIP", {allow_error = true, timeout = "60s"})
-- AT+QILOCIP is not a BG96 command: ERROR both times.
local r = send("AT+QILOCIP", {allow_error = true, timeout = "60s"})
assert(not r.ok, "AT+QILOCIP should be refused")
