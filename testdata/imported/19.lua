-- Replays the import of 19-a7670e-gnss-nmea-stream-urcs-tinygsm.txt (../shared/logs):
-- the commands the log shows, in its order, each waiting for what the log shows
-- the modem answering; commands the log shows unanswered are written, not awaited.
-- Run by TestImportedLogsReplay (cmd/atrun).
write_raw("AT\013")
write_raw("AT\013")
write_raw("AT\013")
write_raw("AT\013")
write_raw("AT\013")
expect("+CPIN: READY", "60s")
write_raw("AT\013")
expect("*ATREADY: 1", "60s")
send("AT", {timeout = "60s"})
write_raw("AT+CGNSSPWR=1\013AT\013")
send("AT", {timeout = "60s"})
send("AT", {timeout = "60s"})
send("AT+CGNSSPWR=1", {timeout = "60s"})
send("AT+CGNSSIPR=115200", {timeout = "60s"})
send("AT+CGNSSMODE=3", {timeout = "60s"})
send("AT+CGNSSNMEA=1,1,1,1,1,1,0,0", {timeout = "60s"})
send("AT+CGPSNMEARATE=1", {timeout = "60s"})
send("AT+CGNSSTST=1", {timeout = "60s"})
send("AT+CGNSSPORTSWITCH=0,1", {timeout = "60s"})
send("AT+CGNSSPWR?", {timeout = "60s"})
