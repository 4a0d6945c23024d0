-- Replays the import of 14-ec21-wiolte-mqtt-over-qisend-no-connack.txt (../shared/logs):
-- the commands the log shows, in its order, each waiting for what the log shows
-- the modem answering. Run by TestImportedLogsReplay (cmd/atrun).
send("AT+QISTATE?", {timeout = "60s"})
send("AT+QIOPEN=1,0,\"TCP\",\"beam.soracom.io\",1883", {timeout = "60s"})
send_prompt("AT+QISEND=0,22", "(binary)\010 ", {fixed = true, timeout = "60s"})
send("AT+QIRD=0", {timeout = "60s"})
send("AT+QIRD=0", {timeout = "60s"})
send("AT+QIRD=0", {timeout = "60s"})
