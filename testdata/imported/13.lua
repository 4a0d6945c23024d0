-- Replays the import of 13-bc26-mqtt-qos2-sub-pub-recv-timed.txt (../shared/logs):
-- the commands the log shows, in its order, each waiting for what the log shows
-- the modem answering. Run by TestImportedLogsReplay (cmd/atrun).
send("AT+QMTOPEN=0,\"quiz.us.kg\",2000", {timeout = "60s"})
local _, _, opened = wait_urc("+QMTOPEN:", "30s")
assert(opened == "0", "open result " .. tostring(opened))
send("AT+QMTCONN=0,\"DSI2598plus\",\"USERNAME\",\"x\"", {timeout = "60s"})
wait_urc("+QMTCONN: 0,0,0", "30s")
send("AT+QMTSUB=0,1,\"value\",2", {timeout = "60s"})
send("AT+QMTPUB=0,1,1,0,\"value\",\"123\"", {timeout = "60s"})
send("AT+QMTDISC=0", {timeout = "60s"})
