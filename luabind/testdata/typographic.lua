-- A command with typographic quotes is refused before it is written.
-- want-error: typographic quote
send('AT+QMTCFG=“SSL”,0,1,2')
