-- ec20_mqtts: bring up MQTT over TLS on a Quectel EC20 (sync, SIM, network, certificates, connect, publish, subscribe, receive)
--
-- atrun run ec20_mqtts --port auto --set host=broker.example.com --set port=8883 \
--   --set client_id=dev1 --set username=u --set ca_cert=ca.pem \
--   --set pub_topic=dev1/up --set sub_topic=dev1/down
-- The password comes from ATRUN_PASSWORD or --set password=... and is kept
-- secret: it never reaches a log, a trace or a transcript.

local q = require("quectel")
local mqtt = require("mqtt_params")

local P = mqtt.read({ca_name = "RAM:cacert.pem", ssl_ctx = "2"})
P.client = tonumber(param("client", "0"))
P.sslversion = param("sslversion", "4")
P.ciphersuite = param("ciphersuite", "0xFFFF")
P.seclevel = param("seclevel")
P.ignorelocaltime = param("ignorelocaltime", "1")
P.apn_user = param("apn_user", "")
P.apn_password = secret("apn_password", "")
P.publish = param("publish", "auto")  -- auto, qmtpub (prompt + Ctrl+Z) or qmtpubex (length)
P.urcport = param("urcport")
P.fix_urcport = param("fix_urcport", "0") == "1"

if not P.host then fail("no broker: pass --set host=<name or address>") end
if not P.ca_cert then fail("no CA certificate: pass --set ca_cert=<PEM file> (the broker's CA, uploaded to the modem)") end
if (P.client_cert == nil) ~= (P.client_key == nil) then
  fail("mutual TLS needs both client_cert and client_key")
end
P.seclevel = P.seclevel or (P.client_cert and "2" or "1")
local C = P.client

-- 1. Sync -------------------------------------------------------------------
step("Sync", function()
  -- The first command after opening a port may meet stale bytes: retry.
  send("AT", {retries = 5, retry_delay = "200ms", timeout = "1s"})
  send("ATE0")
  send("AT+CMEE=1")
  local ati = send("ATI")
  info("modem: " .. table.concat(ati.lines, " "))
  q.check_urcport(P.urcport, P.fix_urcport)
end)

-- 2. SIM --------------------------------------------------------------------
step("SIM", function()
  q.sim_ready(P.pin, "20s")
end)

-- 3. Network ----------------------------------------------------------------
step("Network", function()
  local csq = q.signal(P.reg_timeout)
  info(string.format("signal: %s", csq))
  q.registered(P.reg_timeout)
  if P.apn then
    send(string.format('AT+QICSGP=1,1,"%s","%s","%s",%d', P.apn, P.apn_user, P.apn_password,
      P.apn_user ~= "" and 3 or 0))
  end
  send("AT+CGATT=1")
  send("AT+CGATT?", {expect = "+CGATT: 1", retries = 10, retry_delay = "1s"})
  local addr = q.line(send("AT+CGPADDR=1"), "+CGPADDR:")
  info("PDP address: " .. (addr ~= "" and addr or "none"))
end)

-- 4. MQTT options -----------------------------------------------------------
step("MQTT options", function()
  send(string.format('AT+QMTCFG="recv/mode",%d,0,1', C))
  send(string.format('AT+QMTCFG="ssl",%d,1,%d', C, P.ssl_ctx))
  send(string.format('AT+QMTCFG="version",%d,4', C))
  send(string.format('AT+QMTCFG="keepalive",%d,%s', C, P.keepalive))
  send(string.format('AT+QMTCFG="session",%d,%s', C, P.clean_session))
end)

-- 5. Certificates -----------------------------------------------------------
step("Certificates", function()
  local X = P.ssl_ctx
  q.put_file(P.ca_name, P.ca_cert)
  send(string.format('AT+QSSLCFG="cacert",%d,"%s"', X, P.ca_name))
  if P.client_cert then
    local cert, key = "RAM:client.pem", "RAM:client.key"
    q.put_file(cert, P.client_cert)
    q.put_file(key, P.client_key)
    send(string.format('AT+QSSLCFG="clientcert",%d,"%s"', X, cert))
    send(string.format('AT+QSSLCFG="clientkey",%d,"%s"', X, key))
  end
  send(string.format('AT+QSSLCFG="seclevel",%d,%s', X, P.seclevel))
  send(string.format('AT+QSSLCFG="sslversion",%d,%s', X, P.sslversion))
  send(string.format('AT+QSSLCFG="ciphersuite",%d,%s', X, P.ciphersuite))
  send(string.format('AT+QSSLCFG="ignorelocaltime",%d,%s', X, P.ignorelocaltime))
  if P.sni == "1" then
    send(string.format('AT+QSSLCFG="sni",%d,1', X))
  end
end)

-- 6. Open -------------------------------------------------------------------
step("Open", function()
  q.close_if_open(C)
  q.open(C, P.host, P.port, P.open_timeout)
end)

-- 7-11. The session: from here on, always disconnect, even after a failure.
local stop_abort
local connected = false
local session_ok, session_err = pcall(function()
  step("Connect", function()
    send(string.format('AT+QMTCONN=%d,"%s","%s","%s"', C, P.client_id, P.username or "", P.password or ""))
    local line, _, result, code = wait_urc(string.format("+QMTCONN: %d,", C), "60s")
    if result ~= "0" or (code and code ~= "0") then
      fail(string.format("%s: %s", line, explain(line)))
    end
    connected = true
  end)
  -- A link that breaks from now on ends the session with its code decoded.
  stop_abort = abort_on(string.format("+QMTSTAT: %d,", C))

  step("Subscribe", function()
    send(string.format('AT+QMTSUB=%d,1,"%s",%d', C, P.sub_topic, P.sub_qos))
    local line, _, _, result, granted = wait_urc(string.format("+QMTSUB: %d,1,", C), "30s")
    if result ~= "0" or granted == "128" then
      fail(string.format("%s: %s", line, explain(line)))
    end
    if tonumber(granted) ~= P.sub_qos then
      warn(string.format("subscribed to %s with QoS %s (asked for %d)", P.sub_topic, granted, P.sub_qos))
    else
      info(string.format("subscribed to %s, QoS %s", P.sub_topic, granted))
    end
  end)

  step("Publish", function()
    q.publish(C, P.publish, P.pub_topic, P.payload, P.pub_qos)
    info(string.format("published %d bytes to %s", #P.payload, P.pub_topic))
  end)

  step("Receive", function()
    local got = q.receive(C, P.listen, P.count)
    if got == 0 then
      info("no message arrived within " .. P.listen)
    end
  end)
end)
if stop_abort then stop_abort() end

-- After a failure, disconnecting is best effort: its own trouble is only
-- warned about, and the failure that ended the session is what is reported.
step("Disconnect", function()
  if connected then
    q.disconnect(C, session_ok)
  else
    q.close_quietly(C) -- the CONNECT was refused: only the link is left
  end
end)

if not session_ok then
  error(session_err, 0)
end
