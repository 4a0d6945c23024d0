-- Replays the import of 05-bg95-hivemq-tls-qmtopen-fail-timed.txt (../shared/logs):
-- the commands the log shows, in its order, each waiting for what the log shows
-- the modem answering. Run by TestImportedLogsReplay (cmd/atrun).
send("AT+QMTOPEN=0,\"[private HiveMQ SSL MQTT Broker]\",8883", {timeout = "60s"})
local _, client, result = wait_urc("+QMTOPEN:", "5s")
assert(client == "0" and result == "-1", "the log shows +QMTOPEN: 0,-1, got " .. tostring(result))
