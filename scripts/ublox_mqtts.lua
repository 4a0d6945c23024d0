-- ublox_mqtts: bring up MQTT over TLS on a u-blox SARA-R5 (sync, SIM, network, certificates, connect, publish, subscribe, receive)
--
-- atrun run ublox_mqtts --port auto --set host=broker.example.com --set port=8883 \
--   --set client_id=dev1 --set username=u --set ca_cert=ca.pem \
--   --set pub_topic=dev1/up --set sub_topic=dev1/down
-- The parameters mean what they mean for ec20_mqtts; ssl_ctx is the
-- security profile (0-4). The password comes from ATRUN_PASSWORD or
-- --set password=... and never reaches a log, a trace or a transcript.

local u = require("ublox")
local mqtt = require("mqtt_params")

local P = mqtt.read({ca_name = "ca.pem", ssl_ctx = "0"})
P.tls_version = param("tls_version", "0")  -- 0 any, 3 TLS 1.2, 4 TLS 1.3

if not P.host then fail("no broker: pass --set host=<name or address>") end
if not P.ca_cert then fail("no CA certificate: pass --set ca_cert=<PEM file> (the broker's CA, imported into the modem)") end
if (P.client_cert == nil) ~= (P.client_key == nil) then
  fail("mutual TLS needs both client_cert and client_key")
end
local X = P.ssl_ctx

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
  u.sim_ready(P.pin, "20s")
end)

-- 3. Network ----------------------------------------------------------------
step("Network", function()
  info("signal: " .. u.signal(P.reg_timeout))
  u.registered(P.reg_timeout)
  if P.apn then
    send(string.format('AT+CGDCONT=1,"IP","%s"', P.apn))
  end
  send("AT+CGATT=1")
  send("AT+CGATT?", {expect = "+CGATT: 1", retries = 10, retry_delay = "1s"})
end)

-- 4. Certificates -----------------------------------------------------------
step("Certificates", function()
  u.put_cert(0, P.ca_name, P.ca_cert)
  send("AT+USECPRF=" .. X) -- the profile back to its defaults
  send(string.format("AT+USECPRF=%d,0,1", X)) -- verify the server against the root CA
  send(string.format("AT+USECPRF=%d,1,%s", X, P.tls_version))
  send(string.format('AT+USECPRF=%d,3,"%s"', X, P.ca_name))
  if P.client_cert then
    u.put_cert(1, "client.pem", P.client_cert)
    u.put_cert(2, "client.key", P.client_key)
    send(string.format('AT+USECPRF=%d,5,"client.pem"', X))
    send(string.format('AT+USECPRF=%d,6,"client.key"', X))
  end
  if P.sni == "1" then
    send(string.format('AT+USECPRF=%d,10,"%s"', X, P.host))
  end
end)

-- 5. MQTT profile -----------------------------------------------------------
step("MQTT profile", function()
  u.set(string.format('0,"%s"', P.client_id))
  u.set(string.format('2,"%s",%d', P.host, P.port))
  if P.username then
    if P.password then
      u.set(string.format('4,"%s","%s"', P.username, P.password))
    else
      u.set(string.format('4,"%s"', P.username))
    end
  end
  u.set("10," .. P.keepalive)
  u.set("11,1," .. X)
  u.set("12," .. P.clean_session)
end)

-- 6-10. The session: from here on, always log out, even after a failure.
local stop_abort
local connected = false
local session_ok, session_err = pcall(function()
  step("Connect", function()
    u.login(P.open_timeout)
    connected = true
    info(string.format("connected to %s:%d over TLS", P.host, P.port))
  end)
  -- A link that breaks from now on ends the session with its reason decoded.
  stop_abort = abort_on(pattern("^%+UUMQTTC: 0,1%d%d"))

  step("Subscribe", function()
    local granted = u.subscribe(P.sub_topic, P.sub_qos)
    info(string.format("subscribed to %s, QoS %s", P.sub_topic, granted))
  end)

  step("Publish", function()
    u.publish(P.pub_topic, P.payload, P.pub_qos)
    info(string.format("published %d bytes to %s", #P.payload, P.pub_topic))
  end)

  step("Receive", function()
    local got = u.receive(P.listen, P.count)
    if got == 0 then
      info("no message arrived within " .. P.listen)
    end
  end)
end)
if stop_abort then stop_abort() end

-- After a failure, logging out is best effort: its own trouble is only
-- warned about, and the failure that ended the session is what is reported.
step("Disconnect", function()
  if connected then
    u.logout(session_ok)
  else
    info("not logged in: nothing to end")
  end
end)

if not session_ok then
  error(session_err, 0)
end
