package scripts_test

import (
	"context"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/luabind"
	"github.com/atrun/atrun/replay"
	"github.com/atrun/atrun/scripts"
)

// A fixed-length publish while a message whose payload holds "\r\n> "
// arrives (recv/mode 0,0,1): the script's payload must follow the real
// prompt, at 0.5 s, and recv() must return all 9 bytes of the message.
const promptInPayload = `atrun-transcript v1
start 2026-03-02T09:15:04Z

0.000000 host  "AT+QMTPUB=0,0,0,0,\"t\",2\r"
0.010000 modem "\r\n\r\n+QMTRECV: 0,0,\"d\",9,\"hi\r\n> you\"\r\n\r\n"
0.500000 modem "\r\n> "
0.510000 host  "ok"
0.520000 modem "\r\nOK\r\n\r\n+QMTPUB: 0,0,0\r\n"
0.530000 end
`

const promptInPayloadScript = `
local q = require("quectel")
local t0 = now()
send_prompt('AT+QMTPUB=0,0,0,0,"t",2', "ok", {fixed = true})
assert(now() - t0 >= 0.5, "the payload went before the real prompt, at " .. (now() - t0))
local m = q.recv(wait_urc("+QMTRECV:", "1s"))
assert(m.length == 9 and m.payload == "hi\r\n> you", string.format("recv() returned %q", m.payload))
`

func TestPromptInsidePayloadReplays(t *testing.T) {
	tr, err := transcript.Parse([]byte(promptInPayload), "prompt_in_payload.atr")
	if err != nil {
		t.Fatal(err)
	}
	for _, chunk := range []int{1, 3, 64} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		res, err := replay.Run(ctx, luabind.Script{Name: "publish.lua", Source: []byte(promptInPayloadScript)}, tr,
			replay.Options{Chunk: chunk, Modules: scripts.Modules})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict != replay.Pass {
			t.Errorf("chunk %d: %v: %v", chunk, res.Verdict, res.Err)
		}
	}
}
