-- sms: send a text message (GSM or UCS2 alphabet) and read or wait for incoming ones, in text mode
--
-- atrun run sms --port auto --set to=+491701234567 --set text='Grüße aus atrun'
-- atrun run sms --port auto --set wait=2m            (read the unread ones, then wait for one)
-- atrun run sms --sim --set to=self --set wait=10s   (the virtual EC20 delivers it back)

local q = require("quectel")
local sms = require("sms_text")

local P = {
  to          = param("to"),
  text        = param("text", "hello from atrun"),
  alphabet    = param("alphabet", "auto"), -- auto, gsm or ucs2
  read        = param("read", "unread"),   -- unread, all or none
  delete      = param("delete", "0") == "1",
  wait        = param("wait", "0s"),
  notify      = param("notify", "cmti"),   -- cmti (stored, announced) or cmt (routed, not stored)
  count       = tonumber(param("count", "1")),
  pin         = secret("pin"),
  reg_timeout = param("reg_timeout", "120s"),
  urcport     = param("urcport"),
  fix_urcport = param("fix_urcport", "0") == "1",
}

local alphabets = {auto = true, gsm = true, ucs2 = true}
if not alphabets[P.alphabet] then fail("alphabet must be auto, gsm or ucs2, not " .. P.alphabet) end
local lists = {unread = "REC UNREAD", all = "ALL", none = false}
if lists[P.read] == nil then fail("read must be unread, all or none, not " .. P.read) end
if not P.count or P.count < 1 then fail("count must be 1 or more") end
if P.notify ~= "cmti" and P.notify ~= "cmt" then fail("notify must be cmti or cmt, not " .. P.notify) end
local wait = q.seconds(P.wait)
-- seen holds the indexes already reported: a +CMTI announced before the
-- run (still queued) names a message the Read step listed.
local seen = {}

-- report prints one message as a JSON line on stdout.
local function report(m, where)
  info(string.format("%s from %s at %s: %d bytes", where, m.from, m.time, #m.text))
  print(json.encode({from = m.from, time = m.time, text = m.text, status = m.status, index = m.index}))
end

-- 1. Sync -------------------------------------------------------------------
step("Sync", function()
  send("AT", {retries = 5, retry_delay = "200ms", timeout = "1s"})
  send("ATE0")
  send("AT+CMEE=1")
  q.check_urcport(P.urcport, P.fix_urcport)
end)

-- 2. SIM --------------------------------------------------------------------
step("SIM", function()
  q.sim_ready(P.pin, "20s")
end)

-- 3. Network ----------------------------------------------------------------
step("Network", function()
  q.registered(P.reg_timeout)
end)

-- 4. SMS settings: text mode, headers with the coding scheme, new messages
-- stored on the SIM and announced with +CMTI (or, with notify=cmt, routed
-- to this port as +CMT with their text and not stored).
step("SMS settings", function()
  send("AT+CMGF=1")
  send('AT+CSCS="GSM"')
  send("AT+CSDH=1")
  send('AT+CPMS="SM","SM","SM"')
  send(P.notify == "cmt" and "AT+CNMI=2,2,0,0,0" or "AT+CNMI=2,1,0,0,0")
  local f = fields(q.line(send("AT+CPMS?"), "+CPMS:"))
  info(string.format("SIM storage: %s of %s messages", f[2] or "?", f[3] or "?"))
end)

-- 5. Read what is stored ----------------------------------------------------
if lists[P.read] then
  step("Read", function()
    local r = send(string.format('AT+CMGL="%s"', lists[P.read]), {timeout = "20s"})
    local got = sms.messages(r, "+CMGL:")
    for _, m in ipairs(got) do
      report(m, "stored message " .. m.index)
      if P.delete then send("AT+CMGD=" .. m.index) else seen[m.index] = true end
    end
    if #got == 0 then info("no " .. (P.read == "all" and "" or "unread ") .. "messages stored") end
  end)
end

-- 6. Send -------------------------------------------------------------------
if P.to then
  step("Send", function()
    local to = P.to
    if to == "self" then
      to = fields(q.line(send("AT+CNUM"), "+CNUM:"))[2]
      if not to or to == "" then fail("the SIM does not know its own number (AT+CNUM): pass --set to=<number>") end
    end
    local alphabet = P.alphabet
    if alphabet == "auto" then alphabet = sms.is_ascii(P.text) and "gsm" or "ucs2" end
    if alphabet == "gsm" and not sms.is_ascii(P.text) then
      fail("the GSM alphabet here takes ASCII text only: pass --set alphabet=ucs2 (or auto)")
    end
    local ok, r
    if alphabet == "ucs2" then
      send('AT+CSCS="UCS2"')
      send("AT+CSMP=17,167,0,8")
      ok, r = pcall(send_prompt, string.format('AT+CMGS="%s"', sms.ucs2_hex(to)), sms.ucs2_hex(P.text), {timeout = "60s"})
      send('AT+CSCS="GSM"')
    else
      send("AT+CSMP=17,167,0,0")
      ok, r = pcall(send_prompt, string.format('AT+CMGS="%s"', to), P.text, {timeout = "60s"})
    end
    if not ok then
      -- +CMS ERROR: 500 and the network's causes (below 300) are a refusal
      -- by the network, not a fault of the command.
      if type(r) == "table" and r.kind == "modem" and (r.code == 500 or (r.code >= 0 and r.code < 300)) then
        fail(string.format("%s: the network refused the message to %s; check the number (international: +<country><number>), " ..
          "that the SIM may send SMS (credit, barring) and the service centre (AT+CSCA?)", r.message, to))
      end
      error(r, 0)
    end
    local mr = fields(q.line(r, "+CMGS:"))[1]
    info(string.format("sent to %s (%s, %d bytes of text), message reference %s", to, alphabet:upper(), #P.text, mr or "?"))
  end)
end

-- read_new reads the message a +CMTI announced, unless it was listed
-- already, and returns how many it reported.
local function read_new(mem, index)
  index = tonumber(index)
  if seen[index] then return 0 end
  local r = send("AT+CMGR=" .. index)
  local n = 0
  for _, m in ipairs(sms.messages(r, "+CMGR:")) do
    m.index = index
    report(m, string.format("new message %d in %s", index, mem))
    n = n + 1
  end
  if P.delete then send("AT+CMGD=" .. index) else seen[index] = true end
  return n
end

-- 7. Receive ----------------------------------------------------------------
if wait > 0 then
  step("Receive", function()
    local deadline, got = now() + wait, 0
    while got < P.count do
      local left = deadline - now()
      if left <= 0 then break end
      local r = {pcall(wait_urc, P.notify == "cmt" and "+CMT:" or "+CMTI:", left)}
      if not r[1] then
        if type(r[2]) == "table" and r[2].kind == "timeout" then break end
        error(r[2], 0)
      end
      if P.notify == "cmt" then
        local m = sms.message(r[2], r[#r])
        report(m, "new message")
        got = got + 1
      else
        got = got + read_new(r[3], r[4])
      end
    end
    if got == 0 then info(string.format("no message arrived within %s", P.wait)) end
  end)
end
