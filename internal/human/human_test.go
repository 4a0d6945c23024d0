package human

import (
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0 µs"},
		{340 * time.Microsecond, "340 µs"},
		{999*time.Microsecond + 999, "999 µs"},
		{time.Millisecond, "1 ms"},
		{12*time.Millisecond + 900*time.Microsecond, "12 ms"},
		{1200 * time.Millisecond, "1.2 s"},
		{59 * time.Second, "59.0 s"},
		{90*time.Second + 400*time.Millisecond, "1m30s"},
	}
	for _, tc := range tests {
		if got := Duration(tc.d); got != tc.want {
			t.Errorf("Duration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 ports", 1: "1 port", 2: "2 ports"} {
		if got := Plural(n, "port"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}
