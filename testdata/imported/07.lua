-- Replays the import of 07-ec600s-mqtt-no-echo-capture.txt (../shared/logs):
-- the commands the log shows, in its order, each waiting for what the log shows
-- the modem answering. Run by TestImportedLogsReplay (cmd/atrun).

