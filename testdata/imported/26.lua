-- Replays the import of 26-sim7000g-caopen-tls-casend-cadataind-tinygsm.txt (../shared/logs):
-- the commands the log shows, in its order, each waiting for what the log shows
-- the modem answering. Run by TestImportedLogsReplay (cmd/atrun).
send("AT+CNACT=1", {timeout = "60s"})
send("AT+CNACT?", {timeout = "60s"})
send("AT+CACID=1", {timeout = "60s"})
send("AT+CSSLCFG=\"ignorertctime\",1,1", {timeout = "60s"})
send("AT+CSSLCFG=\"sslversion\",1,3", {timeout = "60s"})
send("AT+CASSLCFG=1,\"ssl\",1", {timeout = "60s"})
send("AT+CASSLCFG=1,\"crindex\",1", {timeout = "60s"})
send("AT+CASSLCFG=1,\"protocol\",0", {timeout = "60s"})
send("AT+CSSLCFG=\"ctxindex\",1", {timeout = "60s"})
send("AT+CAOPEN=1,\"httpbin.org\",443", {timeout = "60s"})
send("AT+CARECV?", {timeout = "60s"})
send_prompt("AT+CASEND=1,44,10000", "GET /get HTTP/1.1\010Connection: keep-alive", {fixed = true, timeout = "60s"})
