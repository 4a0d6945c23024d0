-- ec20_https: HTTPS GET and POST on a Quectel EC20 with the server's CA uploaded and verified, printing status and body
--
-- atrun run ec20_https --port auto --set url=https://example.com/ --set ca_cert=ca.pem
-- On the virtual EC20 (--sim) the web server's URL and its CA are passed in.

local q = require("quectel")

local P = {
  url        = param("url"),
  post_url   = param("post_url"),
  body       = param("body", '{"temperature":21.5}'),
  ca_cert    = param("ca_cert"),
  ca_name    = param("ca_name", "RAM:https_ca.pem"),
  context    = tonumber(param("context", "1")),
  ssl_ctx    = tonumber(param("ssl_ctx", "1")),
  seclevel   = param("seclevel", "1"),
  sni        = param("sni", "0"),
  content_type = param("content_type", "1"), -- AT+QHTTPCFG="contenttype": 0 form, 1 text/plain, 2 octet-stream, 3 multipart
  apn        = param("apn"),
  pin        = secret("pin"),
  reg_timeout = param("reg_timeout", "120s"),
  rsp_time   = tonumber(param("rsp_time", "80")),
}
P.post_url = P.post_url or P.url

if not P.url then fail("no URL: pass --set url=https://host[:port]/path") end
local https = P.url:match("^https:") or P.post_url:match("^https:")
if https and P.seclevel ~= "0" and not P.ca_cert then
  fail("HTTPS needs the server's CA: pass --set ca_cert=<PEM file>, or --set seclevel=0 to skip verification")
end
local wait = P.rsp_time + 10 .. "s" -- the modem's own limit, and a margin

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

step("HTTP options", function()
  local X = P.ssl_ctx
  if https and P.seclevel ~= "0" then
    q.put_file(P.ca_name, P.ca_cert)
    send(string.format('AT+QSSLCFG="cacert",%d,"%s"', X, P.ca_name))
  end
  send(string.format('AT+QSSLCFG="seclevel",%d,%s', X, P.seclevel))
  send(string.format('AT+QSSLCFG="sslversion",%d,4', X))
  send(string.format('AT+QSSLCFG="ciphersuite",%d,0xFFFF', X))
  send(string.format('AT+QSSLCFG="ignorelocaltime",%d,1', X))
  if P.sni == "1" then send(string.format('AT+QSSLCFG="sni",%d,1', X)) end
  send(string.format('AT+QHTTPCFG="contextid",%d', P.context))
  send('AT+QHTTPCFG="requestheader",0')
  send('AT+QHTTPCFG="responseheader",0')
  send(string.format('AT+QHTTPCFG="sslctxid",%d', X))
  send(string.format('AT+QHTTPCFG="contenttype",%s', P.content_type))
end)

-- set_url uploads the URL after AT+QHTTPURL's CONNECT.
local function set_url(url)
  upload("URL", url, {data = true, command = string.format("AT+QHTTPURL=%d,80", #url)})
end

-- http_errors are the EC2x HTTP(S) error codes a script meets most, with
-- what to check (docs/at-reference/http.md has them all).
local http_errors = {
  ["702"] = "timeout: the server did not answer within rsp_time",
  ["703"] = "busy: a request is still running",
  ["707"] = "network open failed: check the PDP context (AT+QIACT?) and the APN",
  ["711"] = "URL error: write it as http(s)://host[:port]/path",
  ["712"] = "empty URL",
  ["714"] = "DNS error: check the host name and the DNS servers",
  ["716"] = "socket connect error: the server is not reachable or refused, or for https:// the TLS handshake failed (check ca_cert, seclevel, sni)",
  ["717"] = "socket read error: the connection broke before the response came",
  ["718"] = "socket write error: the connection broke while sending",
}

local function describe(line, err)
  local why = http_errors[err]
  if why then return line .. ": " .. why end
  return q.describe(line)
end

-- result waits for +QHTTPGET:/+QHTTPPOST: <err>[,<status>[,<length>]] and
-- fails on an error code.
local function result(prefix, what)
  local line, err, status, length = wait_urc(prefix, wait)
  if err ~= "0" then
    fail(string.format("%s failed: %s", what, describe(line, err)))
  end
  info(string.format("%s: HTTP %s, %s bytes", what, status, length or "unknown"))
  return tonumber(status)
end

-- read_body reads the response with AT+QHTTPREAD: CONNECT, the body (raw,
-- taken as data up to the OK), then +QHTTPREAD: <err>.
local function read_body()
  local r = send(string.format("AT+QHTTPREAD=%d", P.rsp_time), {download = true, timeout = wait})
  local line, err = wait_urc("+QHTTPREAD:", wait)
  if err ~= "0" then fail("reading the response failed: " .. describe(line, err)) end
  return r.data or ""
end

local function request(name, what, start)
  step(name, function()
    start()
    local status = result("+Q" .. "HTTP" .. name .. ":", what)
    local body = read_body()
    print(string.format("%s %d: %s", name, status, (body:gsub("%s+$", ""))))
    if status >= 400 then fail(string.format("%s: the server answered HTTP %d", what, status)) end
  end)
end

request("GET", "GET " .. P.url, function()
  set_url(P.url)
  send(string.format("AT+QHTTPGET=%d", P.rsp_time))
end)

request("POST", "POST " .. P.post_url, function()
  if P.post_url ~= P.url then set_url(P.post_url) end
  upload("body", P.body, {data = true, command = string.format("AT+QHTTPPOST=%d,80,%d", #P.body, P.rsp_time)})
end)
