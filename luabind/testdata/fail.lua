-- fail stops the script with its message and line.
-- want-error: fail.lua:3: no network after 3 tries
fail("no network after", 3, "tries")
