package sim

import (
	"strconv"
	"strings"
)

// argc returns the number of parameters of a write command.
func (c *command) argc() int { return len(c.args) }

// has reports whether parameter i is present and not empty.
func (c *command) has(i int) bool { return i < len(c.args) && !c.args[i].empty }

// intArg reads parameter i as an unquoted decimal within [lo, hi].
func (c *command) intArg(i, lo, hi int) (int, bool) {
	if !c.has(i) || c.args[i].quoted {
		return 0, false
	}
	v, err := strconv.Atoi(c.args[i].text)
	if err != nil || v < lo || v > hi {
		return 0, false
	}
	return v, true
}

// optInt reads parameter i like intArg, giving def when it is absent.
func (c *command) optInt(i, lo, hi, def int) (int, bool) {
	if !c.has(i) {
		return def, true
	}
	return c.intArg(i, lo, hi)
}

// strArg reads parameter i as a quoted string.
func (c *command) strArg(i int) (string, bool) {
	if i >= len(c.args) || !c.args[i].quoted {
		return "", false
	}
	return c.args[i].text, true
}

// hexArg reads parameter i as an unquoted hexadecimal number with an
// optional 0x/0X prefix. A quoted value is refused, as the modem refuses
// AT+QSSLCFG="ciphersuite",2,"0XFFFF".
func (c *command) hexArg(i int) (uint16, bool) {
	if !c.has(i) || c.args[i].quoted {
		return 0, false
	}
	t := c.args[i].text
	if len(t) > 2 && (t[:2] == "0x" || t[:2] == "0X") {
		t = t[2:]
	}
	v, err := strconv.ParseUint(t, 16, 16)
	return uint16(v), err == nil
}

// nameArg reads parameter 0 as a quoted sub-command name, lower-cased, for
// commands such as AT+QSSLCFG and AT+QMTCFG whose names match in any case.
func (c *command) nameArg() (string, bool) {
	s, ok := c.strArg(0)
	return strings.ToLower(s), ok
}
