-- Replays the import of 24-sim800l-ostaquet-http-quoted-receive-timed.txt (../shared/logs):
-- the commands the log shows, in its order, each waiting for what the log shows
-- the modem answering. Run by TestImportedLogsReplay (cmd/atrun).
send("AT+SAPBR=3,1,\"APN\",\"em\"", {timeout = "60s"})
send("AT+SAPBR=1,1", {timeout = "60s"})
send("AT+HTTPINIT", {timeout = "60s"})
send("AT+HTTPPARA=\"CID\",1", {timeout = "60s"})
send("AT+HTTPPARA=\"URL\",\"http://1xx6:7313/getSIM800L\"", {timeout = "60s"})
pcall(send, "ATI", {timeout = "1s"})
