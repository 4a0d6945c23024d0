-- selftest: exercise every Lua primitive against whatever modem is attached
info("selftest: not written yet")
