-- param reads --set, then ATRUN_<NAME>, then the default; secret hides.
-- set: host=broker.example.com
-- set: never_read=1
-- set: password=s3cr3t-pw
-- env: ATRUN_CLIENT_ID=dev1
-- want-unused: never_read
-- want-log: password is ***
assert(param("host") == "broker.example.com")
assert(param("client_id") == "dev1")
assert(param("port", "8883") == "8883")
assert(param("nothing") == nil)
local pw = secret("password")
assert(pw == "s3cr3t-pw")
info("password is " .. pw)
