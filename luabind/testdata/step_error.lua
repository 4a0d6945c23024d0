-- An uncaught error names the script line and the step.
-- modem: "AT+CPIN?\r" -> "\r\n+CME ERROR: 10\r\n"
-- want-error: step_error.lua:6: step "SIM": AT+CPIN?: modem answered +CME ERROR: 10 (SIM not inserted)
step("Sync", function() end)
step("SIM", function()
  send("AT+CPIN?")
end)
