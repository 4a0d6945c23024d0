-- Replays the import of 25-sara-r410m-mcenter-sms-cmti-inline-comments.txt (../shared/logs):
-- the commands the log shows, in its order, each waiting for what the log shows
-- the modem answering. Run by TestImportedLogsReplay (cmd/atrun).
send("AT+CMGF=1", {timeout = "60s"})
send("AT+CMGL=\"ALL\"", {timeout = "60s"})
send("AT+CNMI=1,1", {timeout = "60s"})
send("AT+CNMI?", {timeout = "60s"})
send("AT+CMGF=1", {timeout = "60s"})
pcall(send, "AT+CMGL=\"ALL\"", {timeout = "1s"})
