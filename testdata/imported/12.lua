-- Replays the import of 12-bg96-aws-tutorial-happy-path-edited.txt (../shared/logs):
-- the commands the log shows, in its order, each waiting for what the log shows
-- the modem answering; commands the log shows unanswered are written, not awaited.
-- Run by TestImportedLogsReplay (cmd/atrun).
write_raw("AT+QMTCFG=\226\128\157SSL\226\128\157,0,1,2\013")
expect("OK", "60s")
upload("root.pem", "<Input the root.pem data, the size is 1758 bytes>", {data = true, command = "AT+QFUPL=\"root.pem\",1758,100", timeout = "60s"})
upload("cert.pem", "<Input the cert.pem data, the size is 1220 bytes>", {data = true, command = "AT+QFUPL=\"cert.pem\",1220,100", timeout = "60s"})
upload("key.pem", "<Input the private.pem.key data, the size is 1679 bytes>", {data = true, command = "AT+QFUPL=\"key.pem\",1679,100", timeout = "60s"})
send("AT+QSSLCFG=\"cacert\",2,\"root.pem\"", {timeout = "60s"})
write_raw("AT+QSSLCFG=\"clientcert\",2,\"cert.pem\"\013")
send("AT+QSSLCFG=\"clientkey\",2,\"key.pem\"", {timeout = "60s"})
write_raw("AT+QSSLCFG=\"seclevel\226\128\157,2,2\013")
expect("OK", "60s")
write_raw("AT+QSSLCFG=\"sslversion\226\128\157,2,4\013")
expect("OK", "60s")
write_raw("AT+QSSLCFG=\"ciphersuite\226\128\157,2,0xffff\013")
expect("OK", "60s")
send("AT+QSSLCFG=\"ignorelocaltime\",1", {timeout = "60s"})
send("AT+QMTOPEN=0, \"{account.name}-ats.iot.us-east-1.amazonaws.com\",8883", {timeout = "60s"})
send("AT+QMTCONN=0,\"datadog\"", {timeout = "60s"})
send("AT+QMTSUB=0,1,\"$aws/things/datadog/shadow/update/accepted\",1", {timeout = "60s"})
send_prompt("AT+QMTPUB=0,1,1,0,\"$aws/things/datadog/shadow/update/accepted\"", "This is publish data from client", {fixed = false, timeout = "60s"})
send("AT+QMTDISC=0", {timeout = "60s"})
