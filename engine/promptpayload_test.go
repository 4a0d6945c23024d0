package engine

import (
	"context"
	"errors"
	"testing"
)

// TestPromptPayloadAskedAfterPrompt: the payload is asked for only once
// the prompt came, then written with Ctrl+Z.
func TestPromptPayloadAskedAfterPrompt(t *testing.T) {
	for _, chunk := range chunkSizes {
		c, m := startFake(t, chunk,
			step{"AT+CMGS=\"+4917\"\r", "\r\n> "},
			step{"hello\x1a", "\r\n+CMGS: 7\r\n\r\nOK\r\n"},
		)
		asked := ""
		resp, err := c.SendPrompt(ctxT(t), `AT+CMGS="+4917"`, nil, PromptPayload(func(context.Context) ([]byte, error) {
			asked = m.Wrote()
			return []byte("hello"), nil
		}))
		if err != nil || resp.Final != "OK" {
			t.Fatalf("chunk %d: %+v %v", chunk, resp, err)
		}
		if asked != "AT+CMGS=\"+4917\"\r" {
			t.Fatalf("chunk %d: asked for the payload when %q was written", chunk, asked)
		}
		m.Finished(t)
	}
}

// TestPromptPayloadCancelSendsESC: a payload the person cancels leaves the
// prompt with ESC, and the error says so.
func TestPromptPayloadCancelSendsESC(t *testing.T) {
	c, m := startFake(t, 0,
		step{"AT+CMGS=\"+4917\"\r", "\r\n> "},
		step{"\x1b", "\r\nOK\r\n"},
	)
	gone := errors.New("left the prompt")
	_, err := c.SendPrompt(ctxT(t), `AT+CMGS="+4917"`, nil, PromptPayload(func(context.Context) ([]byte, error) {
		return nil, gone
	}))
	if !errors.Is(err, gone) {
		t.Fatalf("err = %v", err)
	}
	m.Finished(t)
}

// TestPromptPayloadRefusesCtrlZ: a typed payload holding Ctrl+Z would end
// the prompt early: refused, and the prompt left with ESC.
func TestPromptPayloadRefusesCtrlZ(t *testing.T) {
	c, m := startFake(t, 0,
		step{"AT+CMGS=\"+4917\"\r", "\r\n> "},
		step{"\x1b", "\r\nOK\r\n"},
	)
	_, err := c.SendPrompt(ctxT(t), `AT+CMGS="+4917"`, nil, PromptPayload(func(context.Context) ([]byte, error) {
		return []byte("a\x1ab"), nil
	}))
	var ce *CommandError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v", err)
	}
	m.Finished(t)
}
