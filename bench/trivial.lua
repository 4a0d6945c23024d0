-- The start-up comparison: a script that needs no port.
local x = 1 + 1
