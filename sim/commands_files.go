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

	"+QFDWL":      cmdQFDWL,
	"+QFOPEN":     cmdQFOPEN,
	"+QFREAD":     cmdQFREAD,
	"+QFWRITE":    cmdQFWRITE,
	"+QFSEEK":     cmdQFSEEK,
	"+QFPOSITION": cmdQFPOSITION,
	"+QFCLOSE":    cmdQFCLOSE,
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

// cmdQFDWL downloads a file: AT+QFDWL="<name>" answers CONNECT, the file's
// bytes, then +QFDWL: <size>,<checksum> (the AT+QFUPL checksum) and OK.
func cmdQFDWL(m *Modem, c *command) result {
	if c.form == formTest {
		return okResult
	}
	name, ok := c.strArg(0)
	if c.form != formWrite || !ok || c.argc() > 1 {
		return errorResult
	}
	data, found := m.files.read(name)
	if !found {
		return cme(405)
	}
	m.resultCode("CONNECT", 1)
	m.resp.Write(data)
	m.info(fmt.Sprintf("+QFDWL: %d,%s", len(data), ChecksumString(data)))
	return okResult
}

// openFile is a file opened with AT+QFOPEN.
type openFile struct {
	store    *store
	name     string
	pos      int
	readOnly bool
}

// firstHandle is the first file handle AT+QFOPEN gives (EC2x FILE note
// examples show handles in the thousands).
const (
	firstHandle = 1027
	maxOpen     = 16
)

// cmdQFOPEN opens a file: mode 0 opens or creates it, 1 creates or
// truncates it, 2 opens it read-only. +QFOPEN: <filehandle>.
func cmdQFOPEN(m *Modem, c *command) result {
	if c.form == formTest {
		m.info(`+QFOPEN: <filename>,(0-2)`)
		return okResult
	}
	name, ok1 := c.strArg(0)
	mode, ok2 := c.optInt(1, 0, 2, 0)
	if c.form != formWrite || !ok1 || !ok2 || c.argc() > 2 {
		return errorResult
	}
	fs := m.files
	st, base := fs.resolve(name)
	if !validName(base) {
		return cme(406)
	}
	for _, f := range fs.open {
		if f.store == st && f.name == base {
			return cme(426) // file already opened
		}
	}
	if len(fs.open) >= maxOpen {
		return cme(413)
	}
	_, exists := st.files[base]
	switch {
	case mode == 2 && !exists:
		return cme(405)
	case mode == 1 || !exists:
		st.files[base] = []byte{}
	}
	if fs.nextFH < firstHandle {
		fs.nextFH = firstHandle
	}
	fh := fs.nextFH
	fs.nextFH++
	fs.open[fh] = &openFile{store: st, name: base, readOnly: mode == 2}
	m.info(fmt.Sprintf("+QFOPEN: %d", fh))
	return okResult
}

// handleArg reads parameter 0 as an open file handle.
func (m *Modem) handleArg(c *command) (*openFile, result, bool) {
	fh, ok := c.intArg(0, 0, 1<<30)
	if !ok {
		return nil, errorResult, false
	}
	f := m.files.open[fh]
	if f == nil {
		return nil, cme(416), false // invalid file descriptor
	}
	if _, ok := f.store.files[f.name]; !ok {
		return nil, cme(405), false // deleted while open
	}
	return f, okResult, true
}

// cmdQFREAD reads from the position: AT+QFREAD=<fh>[,<length>] answers
// CONNECT <n>, the n bytes, then OK.
func cmdQFREAD(m *Modem, c *command) result {
	if c.form == formTest {
		return okResult
	}
	f, r, ok := m.handleArg(c)
	if c.form != formWrite || c.argc() > 2 {
		return errorResult
	}
	if !ok {
		return r
	}
	data := f.store.files[f.name]
	want, ok := c.optInt(1, 1, 1<<30, len(data))
	if !ok {
		return errorResult
	}
	n := max(0, min(want, len(data)-f.pos))
	m.endBlock()
	m.resp.WriteString(fmt.Sprintf("\r\nCONNECT %d\r\n", n))
	m.resp.Write(data[f.pos : f.pos+n])
	f.pos += n
	return okResult
}

// cmdQFWRITE writes at the position: AT+QFWRITE=<fh>[,<length>[,<timeout>]]
// answers CONNECT, takes <length> bytes (or what comes before the timeout),
// then +QFWRITE: <written>,<total size> and OK.
func cmdQFWRITE(m *Modem, c *command) result {
	if c.form == formTest {
		return okResult
	}
	f, r, ok := m.handleArg(c)
	if c.form != formWrite || c.argc() > 3 {
		return errorResult
	}
	if !ok {
		return r
	}
	size, ok1 := c.optInt(1, 1, ramCapacity, 0)
	timeout, ok2 := c.optInt(2, 1, 65535, defaultUploadTimeout)
	if !ok1 || !ok2 {
		return errorResult
	}
	if f.readOnly {
		return cme(414)
	}
	w := &fileWrite{f: f, size: size, limit: f.store.free()}
	m.resultCode("CONNECT", 1)
	m.flushResp()
	m.enterData(w)
	w.gen = m.dataGen
	w.timer = m.after(time.Duration(timeout)*time.Second, func() { w.expire(m) })
	return pendingResult
}

// fileWrite is the data mode of AT+QFWRITE. Bytes are not echoed.
type fileWrite struct {
	f     *openFile
	size  int // 0: until the timeout
	limit int
	buf   []byte
	gen   int
	timer Timer
}

func (w *fileWrite) feed(m *Modem, b []byte) int {
	room := w.limit - len(w.buf)
	if w.size > 0 {
		room = min(room, w.size-len(w.buf))
	}
	n := min(len(b), room)
	w.buf = append(w.buf, b[:n]...)
	if n == 0 || len(w.buf) == w.size {
		w.complete(m)
		if n == 0 {
			return len(b) // the store is full: the rest is dropped
		}
	}
	return n
}

func (w *fileWrite) complete(m *Modem) {
	w.timer.Stop()
	f := w.f
	data := f.store.files[f.name]
	end := f.pos + len(w.buf)
	if end > len(data) {
		data = append(data, make([]byte, end-len(data))...)
	}
	copy(data[f.pos:], w.buf)
	f.store.files[f.name] = data
	f.pos = end
	m.info(fmt.Sprintf("+QFWRITE: %d,%d", len(w.buf), len(data)))
	m.leaveData(okResult)
}

func (w *fileWrite) expire(m *Modem) {
	if m.data != dataMode(w) || m.dataGen != w.gen {
		return
	}
	w.complete(m)
}

// cmdQFSEEK moves the position: AT+QFSEEK=<fh>,<offset>[,<origin>], origin
// 0 the start, 1 the position, 2 the end.
func cmdQFSEEK(m *Modem, c *command) result {
	if c.form == formTest {
		return okResult
	}
	f, r, ok := m.handleArg(c)
	offset, ok1 := c.intArg(1, 0, 1<<30)
	origin, ok2 := c.optInt(2, 0, 2, 0)
	if c.form != formWrite || !ok1 || !ok2 || c.argc() > 3 {
		return errorResult
	}
	if !ok {
		return r
	}
	base := []int{0, f.pos, len(f.store.files[f.name])}[origin]
	if base+offset > len(f.store.files[f.name]) {
		return cme(400)
	}
	f.pos = base + offset
	return okResult
}

func cmdQFPOSITION(m *Modem, c *command) result {
	if c.form == formTest {
		return okResult
	}
	f, r, ok := m.handleArg(c)
	if c.form != formWrite || c.argc() > 1 {
		return errorResult
	}
	if !ok {
		return r
	}
	m.info(fmt.Sprintf("+QFPOSITION: %d", f.pos))
	return okResult
}

func cmdQFCLOSE(m *Modem, c *command) result {
	if c.form == formTest {
		return okResult
	}
	fh, ok := c.intArg(0, 0, 1<<30)
	if c.form != formWrite || !ok || c.argc() > 1 {
		return errorResult
	}
	if m.files.open[fh] == nil {
		return cme(416)
	}
	delete(m.files.open, fh)
	return okResult
}
