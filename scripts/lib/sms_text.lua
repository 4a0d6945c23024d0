-- sms_text: text-mode SMS helpers for the shipped scripts: UCS2 hex, message listings.
local M = {}

-- is_ascii tells whether text has only ASCII characters, which the GSM
-- character set carries as they are.
function M.is_ascii(text)
  return not text:find("[\128-\255]")
end

-- utf8_codes returns the code points of a UTF-8 string, or nil and the
-- byte position of the first malformed sequence.
local function utf8_codes(s)
  local out, i = {}, 1
  while i <= #s do
    local c = s:byte(i)
    local n, cp
    if c < 0x80 then n, cp = 0, c
    elseif c >= 0xC2 and c < 0xE0 then n, cp = 1, c - 0xC0
    elseif c >= 0xE0 and c < 0xF0 then n, cp = 2, c - 0xE0
    elseif c >= 0xF0 and c < 0xF5 then n, cp = 3, c - 0xF0
    else return nil, i end
    for k = 1, n do
      local cc = s:byte(i + k)
      if not cc or cc < 0x80 or cc >= 0xC0 then return nil, i end
      cp = cp * 64 + (cc - 0x80)
    end
    out[#out + 1] = cp
    i = i + n + 1
  end
  return out
end

-- ucs2_hex encodes UTF-8 text as the hex of big-endian UTF-16, the form
-- AT+CSCS="UCS2" takes (characters beyond the BMP as surrogate pairs).
function M.ucs2_hex(text)
  local codes, bad = utf8_codes(text)
  if not codes then fail(string.format("the text is not UTF-8 (byte %d)", bad)) end
  local parts = {}
  for _, cp in ipairs(codes) do
    if cp >= 0x10000 then
      cp = cp - 0x10000
      parts[#parts + 1] = string.format("%04X%04X", 0xD800 + math.floor(cp / 0x400), 0xDC00 + cp % 0x400)
    else
      parts[#parts + 1] = string.format("%04X", cp)
    end
  end
  return table.concat(parts)
end

local function utf8_char(cp)
  if cp < 0x80 then return string.char(cp) end
  if cp < 0x800 then return string.char(0xC0 + math.floor(cp / 64), 0x80 + cp % 64) end
  if cp < 0x10000 then
    return string.char(0xE0 + math.floor(cp / 4096), 0x80 + math.floor(cp / 64) % 64, 0x80 + cp % 64)
  end
  return string.char(0xF0 + math.floor(cp / 262144), 0x80 + math.floor(cp / 4096) % 64,
    0x80 + math.floor(cp / 64) % 64, 0x80 + cp % 64)
end

-- from_ucs2_hex decodes the hex of big-endian UTF-16 into UTF-8, or
-- returns nil when s is not such hex.
function M.from_ucs2_hex(s)
  if #s % 4 ~= 0 or s:find("[^%x]") then return nil end
  local out, i = {}, 1
  while i <= #s do
    local u = tonumber(s:sub(i, i + 3), 16)
    i = i + 4
    if u >= 0xD800 and u < 0xDC00 and i <= #s then
      local lo = tonumber(s:sub(i, i + 3), 16)
      i = i + 4
      u = 0x10000 + (u - 0xD800) * 0x400 + (lo - 0xDC00)
    end
    out[#out + 1] = utf8_char(u)
  end
  return table.concat(out)
end

-- address undoes UCS2 hex in a sender's address: a URC that came while
-- AT+CSCS was "UCS2" carries it so. Only a result that reads as an
-- international number or holds a letter is taken, so a number of hex
-- digits sent in GSM stays as it is.
function M.address(a)
  local dec = a and M.from_ucs2_hex(a)
  if dec and (dec:match("^%+%d+$") or (dec:match("^[%w %.%-]+$") and dec:match("%a"))) then
    return dec
  end
  return a
end

-- message turns a text-mode header (+CMGR:, +CMGL: or +CMT:, with
-- AT+CSDH=1) and its data line into a table: index (for +CMGL), status
-- (not for +CMT), from, time, text. A UCS2 message (<dcs> 8) comes as hex
-- and is decoded.
function M.message(header, data)
  local f = fields(header)
  local m = {}
  if header:sub(1, 6) == "+CMGL:" then
    m.index = tonumber(table.remove(f, 1))
  end
  if header:sub(1, 5) ~= "+CMT:" then
    m.status = table.remove(f, 1)
  end
  m.from, m.time = M.address(f[1]), f[3]
  local dcs = tonumber(f[7] or "0") or 0
  local alphabet = dcs < 0x80 and (math.floor(dcs / 4) % 4) or 0
  m.text = data or ""
  if alphabet == 2 then
    m.text = M.from_ucs2_hex(m.text) or m.text
  end
  return m
end

-- messages reads every message of a +CMGL listing or a +CMGR answer: each
-- header line is followed by its text line.
function M.messages(resp, prefix)
  local out, lines, i = {}, resp.lines, 1
  while i <= #lines do
    if lines[i]:sub(1, #prefix) == prefix then
      out[#out + 1] = M.message(lines[i], lines[i + 1])
      i = i + 2
    else
      i = i + 1
    end
  end
  return out
end

return M
