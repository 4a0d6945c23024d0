package term

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// luaValue evaluates a Lua expression and returns the string it gives.
func luaValue(t *testing.T, expr string, vars map[string]string) string {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	for k, v := range vars {
		L.SetGlobal(k, lua.LString(v))
	}
	if err := L.DoString("return " + expr); err != nil {
		t.Fatalf("Lua does not read %s: %v", expr, err)
	}
	return L.Get(-1).String()
}

func TestLuaQuoting(t *testing.T) {
	for _, s := range []string{"", "AT", `AT+QMTOPEN=0,"h",1`, "it's", `both ' and "`, "a\\b", "\r\n\x1a\x1b\x00\xff", "]]", "]=]]==]", "\nlead", "é€"} {
		if got := luaValue(t, luaString(s), nil); got != s {
			t.Errorf("luaString(%q) reads back as %q", s, got)
		}
		if got := luaValue(t, luaData([]byte(s)), nil); got != s {
			t.Errorf("luaData(%q) = %s reads back as %q", s, luaData([]byte(s)), got)
		}
	}
}

func TestLuaWithSecrets(t *testing.T) {
	known := []secretUse{{"pw1", "password"}, {"1234", "pin"}}
	tests := []struct{ in, want string }{
		{`AT+QMTCONN=0,"c","u","pw1"`, `'AT+QMTCONN=0,"c","u","' .. password .. '"'`},
		{"AT+CPIN=1234", "'AT+CPIN=' .. pin"},
		{"pw1", "password"},
		{"AT", "'AT'"},
	}
	for _, tt := range tests {
		got := luaWithSecrets(tt.in, known)
		if got != tt.want {
			t.Errorf("luaWithSecrets(%q) = %s, want %s", tt.in, got, tt.want)
		}
		if strings.Contains(got, "pw1") || strings.Contains(got, "1234") {
			t.Errorf("a secret is a literal in %s", got)
		}
		if back := luaValue(t, got, map[string]string{"password": "pw1", "pin": "1234"}); back != tt.in {
			t.Errorf("%s reads back as %q", got, back)
		}
	}
}

// FuzzLuaQuoting: whatever bytes a command, payload or upload holds, the
// exported script gives back exactly those bytes.
func FuzzLuaQuoting(f *testing.F) {
	for _, s := range []string{"AT", "]]\n", "\r\n", "\x00", `"'\`, "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := luaValue(t, luaString(s), nil); got != s {
			t.Fatalf("luaString(%q) reads back as %q", s, got)
		}
		if got := luaValue(t, luaData([]byte(s)), nil); got != s {
			t.Fatalf("luaData(%q) reads back as %q", s, got)
		}
		known := []secretUse{{"sec", "password"}}
		if got := luaValue(t, luaWithSecrets(s, known), map[string]string{"password": "sec"}); got != s {
			t.Fatalf("luaWithSecrets(%q) reads back as %q", s, got)
		}
	})
}

func TestPromptCommand(t *testing.T) {
	tests := []struct {
		cmd       string
		fixed, ok bool
	}{
		{`AT+QMTPUB=0,1,1,0,"t"`, false, true},
		{`AT+QMTPUB=0,1,1,0,"t",5`, true, true},
		{`AT+QMTPUBEX=0,1,1,0,"t",5`, true, true},
		{`AT+CMGS="+4917"`, false, true},
		{`at+cmgs="+4917"`, false, true},
		{`AT+QISEND=0`, false, true},
		{`AT+QISEND=0,10`, true, true},
		{`AT+QISEND=0,0`, false, false}, // a query of what was sent
		{`AT+QMTPUB?`, false, false},
		{`AT+CSQ`, false, false},
	}
	for _, tt := range tests {
		fixed, ok := promptCommand(tt.cmd)
		if fixed != tt.fixed || ok != tt.ok {
			t.Errorf("promptCommand(%q) = %v, %v; want %v, %v", tt.cmd, fixed, ok, tt.fixed, tt.ok)
		}
	}
}

func TestCompletions(t *testing.T) {
	c := &completer{s: &Session{out: &printer{w: new(strings.Builder)}}}
	got, n := c.Do([]rune("AT+QMTC"), 7)
	var names []string
	for _, g := range got {
		names = append(names, "AT+QMTC"+string(g))
	}
	if n != 7 || strings.Join(names, " ") != "AT+QMTCFG AT+QMTCONN AT+QMTCLOSE" {
		t.Errorf("AT+QMTC completes to %v (%d)", names, n)
	}
	got, _ = c.Do([]rune("at+csq"), 6)
	if len(got) != 0 {
		t.Errorf("a full name without parameters completes to %q", got)
	}
	got, _ = c.Do([]rune(":up"), 3)
	if len(got) != 1 || string(got[0]) != "load " {
		t.Errorf(":up completes to %q", got)
	}
	out := c.s.out.w.(*strings.Builder)
	c.Do([]rune("AT+QMTOPEN"), 10)
	if !strings.Contains(out.String(), `AT+QMTOPEN=<client_idx>,"<host>",<port>`) {
		t.Errorf("no parameter hint for AT+QMTOPEN: %q", out.String())
	}
}
