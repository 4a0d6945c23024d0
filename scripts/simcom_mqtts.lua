-- simcom_mqtts: bring up MQTT over TLS on a SIMCom A76xx/SIM7600 (sync, SIM, network, certificates, connect, publish, subscribe, receive)
--
-- atrun run simcom_mqtts --port auto --set host=broker.example.com --set port=8883 \
--   --set client_id=dev1 --set username=u --set ca_cert=ca.pem \
--   --set pub_topic=dev1/up --set sub_topic=dev1/down
-- The parameters mean what they mean for ec20_mqtts. The password comes
-- from ATRUN_PASSWORD or --set password=... and never reaches a log, a
-- trace or a transcript.

local s = require("simcom")
local mqtt = require("mqtt_params")

local P = mqtt.read({ca_name = "ca.pem", ssl_ctx = "0"})
P.client = tonumber(param("client", "0"))
P.sslversion = param("sslversion", "4")
P.ignorelocaltime = param("ignorelocaltime", "1")

if not P.host then fail("no broker: pass --set host=<name or address>") end
if not P.ca_cert then fail("no CA certificate: pass --set ca_cert=<PEM file> (the broker's CA, downloaded to the modem)") end
if (P.client_cert == nil) ~= (P.client_key == nil) then
  fail("mutual TLS needs both client_cert and client_key")
end
local C = P.client

-- 1. Sync -------------------------------------------------------------------
step("Sync", function()
  send("AT", {retries = 5, retry_delay = "200ms", timeout = "1s"})
  send("ATE0")
  send("AT+CMEE=1")
  local ati = send("ATI")
  info("modem: " .. table.concat(ati.lines, " "))
end)

-- 2. SIM --------------------------------------------------------------------
step("SIM", function()
  s.sim_ready(P.pin, "20s")
end)

-- 3. Network ----------------------------------------------------------------
step("Network", function()
  info("signal: " .. s.signal(P.reg_timeout))
  s.registered(P.reg_timeout)
  if P.apn then
    send(string.format('AT+CGDCONT=1,"IP","%s"', P.apn))
  end
  send("AT+CGATT=1")
  send("AT+CGATT?", {expect = "+CGATT: 1", retries = 10, retry_delay = "1s"})
end)

-- 4. Certificates -----------------------------------------------------------
step("Certificates", function()
  local X = P.ssl_ctx
  s.put_cert(P.ca_name, P.ca_cert)
  send(string.format('AT+CSSLCFG="sslversion",%d,%s', X, P.sslversion))
  send(string.format('AT+CSSLCFG="authmode",%d,%d', X, P.client_cert and 2 or 1))
  send(string.format('AT+CSSLCFG="ignorelocaltime",%d,%s', X, P.ignorelocaltime))
  send(string.format('AT+CSSLCFG="cacert",%d,"%s"', X, P.ca_name))
  if P.client_cert then
    s.put_cert("client.pem", P.client_cert)
    s.put_cert("client.key", P.client_key)
    send(string.format('AT+CSSLCFG="clientcert",%d,"client.pem"', X))
    send(string.format('AT+CSSLCFG="clientkey",%d,"client.key"', X))
  end
  if P.sni == "1" then
    send(string.format('AT+CSSLCFG="enableSNI",%d,1', X))
  end
end)

-- 5. MQTT service -----------------------------------------------------------
step("MQTT service", function()
  s.start()
  s.acquire(C, P.client_id, true)
  send(string.format("AT+CMQTTSSLCFG=%d,%d", C, P.ssl_ctx))
end)

-- 6-10. The session: from here on, always disconnect, even after a failure.
local stop_abort
local connected = false
local session_ok, session_err = pcall(function()
  step("Connect", function()
    s.connect(C, P.host, P.port, P.keepalive, P.clean_session, P.username, P.password, P.open_timeout)
    connected = true
    info(string.format("connected to %s:%d over TLS", P.host, P.port))
  end)
  -- A link that breaks from now on ends the session with its cause decoded.
  stop_abort = abort_on(string.format("+CMQTTCONNLOST: %d,", C))

  step("Subscribe", function()
    s.subscribe(C, P.sub_topic, P.sub_qos)
    info(string.format("subscribed to %s, QoS %d", P.sub_topic, P.sub_qos))
  end)

  step("Publish", function()
    s.publish(C, P.pub_topic, P.payload, P.pub_qos)
    info(string.format("published %d bytes to %s", #P.payload, P.pub_topic))
  end)

  step("Receive", function()
    local got = s.receive(C, P.listen, P.count)
    if got == 0 then
      info("no message arrived within " .. P.listen)
    end
  end)
end)
if stop_abort then stop_abort() end

-- After a failure, disconnecting is best effort: its own trouble is only
-- warned about, and the failure that ended the session is what is reported.
step("Disconnect", function()
  s.disconnect(C, connected and session_ok ~= nil and connected, session_ok)
end)

if not session_ok then
  error(session_err, 0)
end
