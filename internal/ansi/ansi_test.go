package ansi

import "testing"

func TestPaint(t *testing.T) {
	if got := Paint(true, Green, "<-"); got != "\x1b[32m<-\x1b[0m" {
		t.Errorf("on: %q", got)
	}
	if got := Paint(false, Green, "<-"); got != "<-" {
		t.Errorf("off: %q", got)
	}
}
