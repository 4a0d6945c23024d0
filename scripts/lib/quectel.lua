-- quectel: helpers for Quectel result lines shared by the shipped scripts.
local M = {}

-- recv parses +QMTRECV with recv/mode x,0,1 (length field on):
--   +QMTRECV: <client>,<msgid>,"<topic>",<len>,"<payload>"
-- The payload is taken by its length, so quotes and commas inside it are
-- safe. Without the length field, it runs to the last quote of the line.
function M.recv(line)
  local client, msgid, topic, rest = line:match('^%+QMTRECV:%s*(%d+),(%d+),"([^"]*)",(.*)$')
  if not client then
    return nil, "not a +QMTRECV line: " .. line
  end
  local len, quoted = rest:match('^(%d+),"(.*)$')
  local payload
  if len then
    payload = quoted:sub(1, tonumber(len))
  else
    payload = rest:match('^"(.*)"$') or rest
  end
  return {client = tonumber(client), msgid = tonumber(msgid), topic = topic,
          length = len and tonumber(len) or #payload, payload = payload}
end

return M
