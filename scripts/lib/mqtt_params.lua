-- mqtt_params: the parameters every *_mqtts script shares (broker,
-- credentials, CA, topics, QoS, registration and timing), with the same
-- names and defaults on every modem family. A script adds its family's own.
local M = {}

-- read returns the shared parameters. defaults gives the family's own
-- defaults for ca_name (where the CA is kept on the modem) and ssl_ctx.
function M.read(defaults)
  return {
    host        = param("host"),
    port        = tonumber(param("port", "8883")),
    client_id   = param("client_id", "atrun"),
    username    = param("username"),
    password    = secret("password"),
    ca_cert     = param("ca_cert"),
    ca_name     = param("ca_name", defaults.ca_name),
    client_cert = param("client_cert"),
    client_key  = param("client_key"),
    pub_topic   = param("pub_topic", "atrun/up"),
    sub_topic   = param("sub_topic", "atrun/down"),
    payload     = param("payload", '{"params":{"IndoorTemperature":55,"mhumi":55}}'),
    ssl_ctx     = tonumber(param("ssl_ctx", defaults.ssl_ctx)),
    pub_qos     = tonumber(param("pub_qos", "1")),
    sub_qos     = tonumber(param("sub_qos", "0")),
    sni         = param("sni", "0"),
    apn         = param("apn"),
    pin         = secret("pin"),
    keepalive   = param("keepalive", "120"),
    clean_session = param("clean_session", "1"),
    listen      = param("listen", "10s"),
    count       = tonumber(param("count", "1")),
    reg_timeout = param("reg_timeout", "120s"),
    open_timeout = param("open_timeout", "120s"),
  }
end

return M
