-- Replays the import of 21-bg95-zephyr-modem-chat-boot-timeout-cmux.txt (../shared/logs):
-- the commands the log shows, in its order, each waiting for what the log shows
-- the modem answering. Run by TestImportedLogsReplay (cmd/atrun).
send("ATE0", {timeout = "60s"})
send("AT+CIMI", {timeout = "60s"})
send("AT+QCCID", {timeout = "60s"})
pcall(send, "AT+CMUX=0,0,5,127", {timeout = "1s"})
