-- Replays the import of 08-bg96-tinygsm-reset-rdy-pdpdeact.txt (../shared/logs):
-- the commands the log shows, in its order, each waiting for what the log shows
-- the modem answering. Run by TestImportedLogsReplay (cmd/atrun).
send("AT", {timeout = "60s"})
send("AT+CFUN=1,1", {timeout = "60s"})
write_raw("AT\013")
expect("+QIURC: \"pdpdeact\",1", "60s")
write_raw("AT\013AT\013AT\013AT\013AT\013AT\013AT\013AT\013AT\013")
send("AT", {timeout = "60s"})
send("AT&FZE0", {timeout = "60s"})
send("AT+CPIN?", {timeout = "60s"})
send("ATI", {timeout = "60s"})
