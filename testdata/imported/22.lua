-- Replays the import of 22-eg25-eg25manager-journal-escaped-crlf.txt (../shared/logs):
-- the commands the log shows, in its order, each waiting for what the log shows
-- the modem answering. Run by TestImportedLogsReplay (cmd/atrun).
send("AT+QCFG=\"urc/delay\"", {timeout = "60s"})
send("AT+QCFG=\"urc/cache\"", {timeout = "60s"})
send("AT+QCFG=\"urc/ri/pin\"", {timeout = "60s"})
send("AT+QURCCFG=\"urcport\"", {timeout = "60s"})
send("AT+QSCLK=1", {timeout = "60s"})
send("AT+QGPSXTRA?", {timeout = "60s"})
send("AT+QGPSCFG=\"gnssconfig\"", {timeout = "60s"})
