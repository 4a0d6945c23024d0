-- ec20_tcp: TCP (and TLS, UDP) socket sessions on a Quectel EC20 against an echo server: open, send, receive, check the echo, close
--
-- atrun run ec20_tcp --port auto --set echo_host=echo.example.com --set echo_port=7 \
--   --set echo_tls_port=7443 --set ca_cert=ca.pem [--set echo_udp_port=7]
-- On the virtual EC20 (--sim) the echo servers and their CA are passed in.

local q = require("quectel")

local P = {
  host       = param("echo_host"),
  port       = tonumber(param("echo_port", "7")),
  tls_port   = tonumber(param("echo_tls_port") or ""),
  udp_port   = tonumber(param("echo_udp_port") or ""),
  ca_cert    = param("ca_cert"),
  ca_name    = param("ca_name", "RAM:echo_ca.pem"),
  payload    = param("payload", "hello from atrun"),
  context    = tonumber(param("context", "1")),
  socket     = tonumber(param("socket", "0")),
  ssl_ctx    = tonumber(param("ssl_ctx", "1")),
  seclevel   = param("seclevel", "1"),
  sni        = param("sni", "0"),
  apn        = param("apn"),
  pin        = secret("pin"),
  reg_timeout  = param("reg_timeout", "120s"),
  open_timeout = param("open_timeout", "150s"),
  recv_timeout = param("recv_timeout", "10s"),
}

if not P.host then fail("no echo server: pass --set echo_host=<name or address> (and echo_port, echo_tls_port)") end
if P.tls_port and P.seclevel ~= "0" and not P.ca_cert then
  fail("TLS needs the echo server's CA: pass --set ca_cert=<PEM file>, or --set seclevel=0 to skip verification")
end
if P.payload:find("[\r\n]") then fail("the payload must be one line (no CR or LF)") end

-- echo sends the payload on an open socket and reads until as many bytes
-- came back, waiting for a "recv" URC whenever the buffer is empty. The
-- engine takes the bytes a +QIRD: <n> / +QSSLRECV: <n> line announces as
-- the answer's data, whatever they hold.
local function echo(kind, id)
  local send_cmd, read_cmd, urc = "AT+QISEND", "AT+QIRD", "+QIURC: "
  if kind == "TLS" then send_cmd, read_cmd, urc = "AT+QSSLSEND", "AT+QSSLRECV", "+QSSLURC: " end
  local recv, closed = urc .. '"recv",' .. id, urc .. '"closed",' .. id
  local stop = abort_on(closed) -- a connection that goes ends the wait at once
  local ok, err = pcall(function()
    send_prompt(string.format("%s=%d,%d", send_cmd, id, #P.payload), P.payload, {fixed = true})
    info(string.format("sent %d bytes", #P.payload))
    local got = ""
    while #got < #P.payload do
      wait_urc(recv, P.recv_timeout)
      repeat
        local chunk = send(string.format("%s=%d,1500", read_cmd, id)).data or ""
        got = got .. chunk
      until chunk == "" or #got >= #P.payload
    end
    return got
  end)
  stop()
  if not ok then
    -- A socket already closed answers the send with ERROR (or SEND FAIL
    -- when it went during the prompt), its URC queued meanwhile.
    local line = type(err) == "table" and err.kind == "abort" and err.line
    if not line and type(err) == "table" and err.kind == "modem" then
      local seen, l = pcall(wait_urc, closed, "1s")
      line = seen and l
    end
    if line then
      fail(string.format("the connection closed (%s) before the echo came back: the server or the network dropped it", line))
    end
    error(err, 0)
  end
  local got = err
  if got ~= P.payload then
    fail(string.format("the echo differs: sent %q, got %q", P.payload, got))
  end
  info(string.format("echo checked: %d bytes", #got))
  print(string.format("%s echo: %s", kind, got))
end

-- open waits for +QIOPEN:/+QSSLOPEN: <id>,<err> and fails on an error code.
local function opened(prefix, id, what)
  local line, _, err = wait_urc(string.format("%s %d,", prefix, id), P.open_timeout)
  if err ~= "0" then
    local msg = what .. " could not be opened: " .. q.describe(line)
    if prefix == "+QSSLOPEN:" then
      msg = msg .. "; for TLS also check the CA (ca_cert), seclevel, SNI (sni=1) and the server's TLS versions"
    end
    fail(msg)
  end
  info("open to " .. what)
end

step("Sync", function()
  send("AT", {retries = 5, retry_delay = "200ms", timeout = "1s"})
  send("ATE0")
  send("AT+CMEE=1")
end)

step("SIM", function() q.sim_ready(P.pin, "20s") end)

step("Network", function()
  q.registered(P.reg_timeout)
  if P.apn then send(string.format('AT+QICSGP=%d,1,"%s"', P.context, P.apn)) end
  local act = send("AT+QIACT?")
  if not q.line(act, string.format("+QIACT: %d,", P.context)):find(",1,") then
    send(string.format("AT+QIACT=%d", P.context))
  end
end)

-- A socket left open by an earlier run would make AT+QIOPEN answer 563.
local function close_quietly(cmd) send(cmd, {allow_error = true}) end

-- socket_step opens a TCP or UDP socket, checks the echo, closes it.
local function socket_step(proto, port)
  step(proto, function()
    local id = P.socket
    close_quietly(string.format("AT+QICLOSE=%d", id))
    send(string.format('AT+QIOPEN=%d,%d,"%s","%s",%d,0,0', P.context, id, proto, P.host, port))
    local ok, err = pcall(function()
      opened("+QIOPEN:", id, string.format("%s %s:%d", proto, P.host, port))
      echo(proto, id)
    end)
    close_quietly(string.format("AT+QICLOSE=%d", id))
    if not ok then error(err, 0) end
    info("closed")
  end)
end

socket_step("TCP", P.port)

if P.tls_port then
  step("TLS", function()
    local id, X = P.socket, P.ssl_ctx
    if P.seclevel ~= "0" then
      q.put_file(P.ca_name, P.ca_cert)
      send(string.format('AT+QSSLCFG="cacert",%d,"%s"', X, P.ca_name))
    end
    send(string.format('AT+QSSLCFG="seclevel",%d,%s', X, P.seclevel))
    send(string.format('AT+QSSLCFG="sslversion",%d,4', X))
    send(string.format('AT+QSSLCFG="ignorelocaltime",%d,1', X))
    if P.sni == "1" then send(string.format('AT+QSSLCFG="sni",%d,1', X)) end
    close_quietly(string.format("AT+QSSLCLOSE=%d", id))
    send(string.format('AT+QSSLOPEN=%d,%d,%d,"%s",%d,0', P.context, X, id, P.host, P.tls_port))
    local ok, err = pcall(function()
      opened("+QSSLOPEN:", id, string.format("%s:%d over TLS (SSL context %d)", P.host, P.tls_port, X))
      echo("TLS", id)
    end)
    close_quietly(string.format("AT+QSSLCLOSE=%d", id))
    if not ok then error(err, 0) end
    info("closed")
  end)
end

-- UDP has no connection: the datagram goes out and the echo comes back
-- (a lost datagram shows as no "recv" within recv_timeout).
if P.udp_port then socket_step("UDP", P.udp_port) end
