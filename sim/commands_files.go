package sim

import (
	"fmt"
	"strings"
	"time"
)

const (
	defaultUploadTimeout = 5 // seconds, when AT+QFUPL gives none
	ackBlock             = 1024
)

var fileCommands = map[string]handler{
	"+QFUPL": cmdQFUPL,
	"+QFLST": cmdQFLST,
	"+QFDEL": cmdQFDEL,
	"+QFLDS": cmdQFLDS,
}

// cmdQFUPL is AT+QFUPL=<name>[,<size>[,<timeout>[,<ackmode>]]]: CONNECT,
// then exactly <size> raw bytes, then "+QFUPL: <size>,<checksum>" and OK.
func cmdQFUPL(m *Modem, c *command) result {
	if c.form == formTest {
		m.info(fmt.Sprintf("+QFUPL: <filename>,(1-%d),(1-65535),(0,1)", m.files.ufs.free()))
		return okResult
	}
	if c.form != formWrite {
		return errorResult
	}
	name, ok1 := c.strArg(0)
	size, ok2 := c.optInt(1, 1, 1<<30, 0)
	timeout, ok3 := c.optInt(2, 1, 65535, defaultUploadTimeout)
	ackmode, ok4 := c.optInt(3, 0, 1, 0)
	if !ok1 || !ok2 || !ok3 || !ok4 || c.argc() > 4 {
		return errorResult
	}
	st, base := m.files.resolve(name)
	switch {
	case !validName(base):
		return cme(406)
	case st.files[base] != nil:
		return cme(407)
	case size > st.capacity:
		return cme(423)
	case size > st.free() || st.free() == 0:
		return cme(403)
	}
	u := &upload{store: st, name: base, size: size, ack: ackmode == 1, limit: st.free()}
	m.resultCode("CONNECT", 1)
	m.flushResp()
	m.enterData(u)
	u.gen = m.dataGen
	u.timer = m.after(time.Duration(timeout)*time.Second, func() { u.expire(m) })
	return pendingResult
}

// upload is the data mode after AT+QFUPL's CONNECT. Bytes are not echoed.
type upload struct {
	store *store
	name  string
	size  int // 0: no size given, take data until the timeout
	limit int
	ack   bool
	buf   []byte
	gen   int
	timer Timer
}

func (u *upload) feed(m *Modem, b []byte) int {
	room := u.limit - len(u.buf)
	if u.size > 0 {
		room = u.size - len(u.buf)
	}
	n := min(len(b), room)
	before := len(u.buf)
	u.buf = append(u.buf, b[:n]...)
	if u.ack {
		for i := before/ackBlock + 1; i <= len(u.buf)/ackBlock; i++ {
			m.write([]byte("A"))
		}
	}
	if len(u.buf) == u.size || len(u.buf) == u.limit {
		u.complete(m)
	}
	return n
}

// complete stores the file and reports its size and checksum: the
// checksum of what was stored, so under upload-corrupt it is not the
// checksum of what the host sent.
func (u *upload) complete(m *Modem) {
	u.timer.Stop()
	if m.faults.UploadCorrupt {
		corrupt(u.buf)
	}
	u.store.files[u.name] = u.buf
	m.info(fmt.Sprintf("+QFUPL: %d,%s", len(u.buf), ChecksumString(u.buf)))
	m.leaveData(okResult)
}

// corrupt changes one byte of b as a noisy line would: the lowest bit of
// the middle byte flips. Any one changed byte changes the XOR checksum.
func corrupt(b []byte) {
	if len(b) > 0 {
		b[len(b)/2] ^= 0x01
	}
}

// expire ends an upload whose data did not all come in time: +CME ERROR:
// 421 (time out) and no file. Without a size, what came is the file.
func (u *upload) expire(m *Modem) {
	if m.data != dataMode(u) || m.dataGen != u.gen {
		return
	}
	if u.size == 0 && len(u.buf) > 0 {
		u.complete(m)
		return
	}
	m.leaveData(cme(421))
}

// cmdQFLST lists files: bare for all UFS files, or by name or pattern
// ("*", "RAM:*", "UFS:x"). A name that matches nothing is +CME ERROR: 405.
func cmdQFLST(m *Modem, c *command) result {
	switch c.form {
	case formTest:
		return okResult
	case formExec:
		m.listFiles(m.files.ufs, m.files.ufs.match("*"))
		return okResult
	case formWrite:
		pattern, ok := c.strArg(0)
		if !ok {
			return errorResult
		}
		st, base := m.files.resolve(pattern)
		names := st.match(base)
		if len(names) == 0 && !strings.ContainsAny(base, "*?") {
			return cme(405)
		}
		m.listFiles(st, names)
		return okResult
	}
	return errorResult
}

func (m *Modem) listFiles(st *store, names []string) {
	for _, n := range names {
		m.info(fmt.Sprintf(`+QFLST: "%s%s",%d`, st.prefix, n, len(st.files[n])))
	}
}

// cmdQFDEL deletes a file or, with a pattern ("*", "RAM:*"), every match.
// Under delete-fails the first delete that matches a file answers +CME
// ERROR: 418 (fail to delete the file) and deletes nothing.
func cmdQFDEL(m *Modem, c *command) result {
	if c.form == formTest {
		return okResult
	}
	name, ok := c.strArg(0)
	if c.form != formWrite || !ok {
		return errorResult
	}
	st, base := m.files.resolve(name)
	names := st.match(base)
	if len(names) == 0 && !strings.ContainsAny(base, "*?") {
		return cme(405)
	}
	if len(names) > 0 && m.faults.DeleteFails && !m.deleteFailed {
		m.deleteFailed = true
		return cme(418)
	}
	for _, n := range names {
		delete(st.files, n)
	}
	return okResult
}

// cmdQFLDS reports free and total space: AT+QFLDS="UFS" or "RAM".
func cmdQFLDS(m *Modem, c *command) result {
	if c.form == formTest {
		return okResult
	}
	which, ok := c.strArg(0)
	if c.form != formWrite || !ok {
		return errorResult
	}
	st := m.files.ufs
	switch strings.ToUpper(which) {
	case "RAM":
		st = m.files.ram
	case "UFS":
	default:
		return errorResult
	}
	m.info(fmt.Sprintf("+QFLDS: %d,%d", st.free(), st.capacity))
	return okResult
}
