package sim

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

var smsCommands = map[string]handler{
	"+CMGF": cmdCMGF,
	"+CSCS": cmdCSCS,
	"+CSMP": cmdCSMP,
	"+CNMI": cmdCNMI,
	"+CPMS": cmdCPMS,
	"+CSDH": cmdCSDH,
	"+CSCA": cmdCSCA,
	"+CNUM": cmdCNUM,
	"+CMGS": cmdCMGS,
	"+CMGR": cmdCMGR,
	"+CMGL": cmdCMGL,
	"+CMGD": cmdCMGD,
	"+CMGW": cmdCMGW,
	"+CMSS": cmdCMSS,
}

// smsReady is the error an SMS command gets while the SIM cannot serve it.
func (m *Modem) smsReady() (result, bool) {
	switch {
	case m.st.cfun == 0:
		return cms(313), false
	case m.st.sim == simAbsent:
		return cms(310), false
	case m.st.sim == simPIN:
		return cms(311), false
	}
	return okResult, true
}

func cmdCMGF(m *Modem, c *command) result {
	switch c.form {
	case formRead:
		m.info(fmt.Sprintf("+CMGF: %d", b2i(m.sms.text)))
	case formTest:
		m.info("+CMGF: (0,1)")
	case formWrite, formExec:
		mode, ok := c.optInt(0, 0, 1, 0)
		if !ok || c.argc() > 1 {
			return errorResult
		}
		m.sms.text = mode == 1
	}
	return okResult
}

var charsets = []string{csGSM, csIRA, csUCS2}

func cmdCSCS(m *Modem, c *command) result {
	switch c.form {
	case formRead:
		m.info(fmt.Sprintf(`+CSCS: "%s"`, m.sms.cs))
	case formTest:
		m.info(`+CSCS: ("GSM","IRA","UCS2")`)
	case formWrite:
		cs, ok := c.strArg(0)
		cs = strings.ToUpper(cs)
		if !ok || c.argc() > 1 || !contains(charsets, cs) {
			return errorResult
		}
		m.sms.cs = cs
	default:
		return errorResult
	}
	return okResult
}

// cmdCSMP sets the text mode parameters <fo>,<vp>,<pid>,<dcs>; each may be
// left out to keep its value.
func cmdCSMP(m *Modem, c *command) result {
	s := m.sms
	switch c.form {
	case formRead:
		m.info(fmt.Sprintf("+CSMP: %d,%d,%d,%d", s.fo, s.vp, s.pid, s.dcs))
	case formTest:
		m.info("+CSMP: (0-255),(0-255),(0-255),(0-255)")
	case formWrite:
		vals := []*int{&s.fo, &s.vp, &s.pid, &s.dcs}
		if c.argc() > len(vals) {
			return errorResult
		}
		next := []int{s.fo, s.vp, s.pid, s.dcs}
		for i := range c.args {
			v, ok := c.optInt(i, 0, 255, next[i])
			if !ok {
				return errorResult
			}
			next[i] = v
		}
		for i, p := range vals {
			*p = next[i]
		}
	default:
		return errorResult
	}
	return okResult
}

// cnmiRanges are the values AT+CNMI takes: <mode>,<mt>,<bm>,<ds>,<bfr>.
var cnmiRanges = [5][2]int{{0, 2}, {0, 3}, {0, 2}, {0, 2}, {0, 1}}

func cmdCNMI(m *Modem, c *command) result {
	s := m.sms
	switch c.form {
	case formRead:
		n := s.cnmi
		m.info(fmt.Sprintf("+CNMI: %d,%d,%d,%d,%d", n[0], n[1], n[2], n[3], n[4]))
	case formTest:
		m.info("+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)")
	case formWrite:
		if c.argc() > 5 {
			return errorResult
		}
		next := s.cnmi
		for i := range c.args {
			v, ok := c.optInt(i, cnmiRanges[i][0], cnmiRanges[i][1], next[i])
			if !ok {
				return errorResult
			}
			next[i] = v
		}
		s.cnmi = next
	default:
		return errorResult
	}
	return okResult
}

var memories = []string{"SM", "ME", "MT"}

// cmdCPMS selects the memories for reading, writing and receiving. They are
// all the SIM's storage here; the names are kept and shown.
func cmdCPMS(m *Modem, c *command) result {
	if r, ok := m.smsReady(); !ok {
		return r
	}
	s := m.sms
	used := s.used()
	switch c.form {
	case formRead:
		m.info(fmt.Sprintf(`+CPMS: "%s",%d,%d,"%s",%d,%d,"%s",%d,%d`,
			s.mem[0], used, smsSlots, s.mem[1], used, smsSlots, s.mem[2], used, smsSlots))
	case formTest:
		m.info(`+CPMS: ("SM","ME","MT"),("SM","ME","MT"),("SM","ME","MT")`)
	case formWrite:
		if c.argc() > 3 {
			return errorResult
		}
		next := s.mem
		for i := range c.args {
			name, ok := c.strArg(i)
			name = strings.ToUpper(name)
			if !ok || !contains(memories, name) {
				return errorResult
			}
			next[i] = name
		}
		s.mem = next
		parts := make([]string, 0, 3)
		for range c.args {
			parts = append(parts, fmt.Sprintf("%d,%d", used, smsSlots))
		}
		m.info("+CPMS: " + strings.Join(parts, ","))
	default:
		return errorResult
	}
	return okResult
}

func cmdCSDH(m *Modem, c *command) result {
	switch c.form {
	case formRead:
		m.info(fmt.Sprintf("+CSDH: %d", b2i(m.sms.csdh)))
	case formTest:
		m.info("+CSDH: (0,1)")
	case formWrite, formExec:
		v, ok := c.optInt(0, 0, 1, 0)
		if !ok || c.argc() > 1 {
			return errorResult
		}
		m.sms.csdh = v == 1
	}
	return okResult
}

func cmdCSCA(m *Modem, c *command) result {
	if r, ok := m.smsReady(); !ok {
		return r
	}
	switch c.form {
	case formRead:
		m.info(fmt.Sprintf(`+CSCA: "%s",%d`, teEncode(m.sms.cs, m.sms.smsc), addressType(m.sms.smsc)))
	case formTest:
		return okResult
	case formWrite:
		sca, ok := c.strArg(0)
		if ok {
			sca, ok = teDecode(m.sms.cs, sca)
		}
		if _, ok2 := c.optInt(1, 0, 255, 0); !ok || !ok2 || c.argc() > 2 || sca == "" {
			return errorResult
		}
		m.sms.smsc = sca
	default:
		return errorResult
	}
	return okResult
}

func cmdCNUM(m *Modem, c *command) result {
	if c.form != formExec {
		return okTest(c)
	}
	if r, bad := m.simError(); bad {
		return r
	}
	m.info(fmt.Sprintf(`+CNUM: "","%s",%d`, teEncode(m.sms.cs, OwnNumber), toaIntl))
	return okResult
}

// maxSMSInput bounds what AT+CMGS takes after its prompt: a PDU of 176
// octets is 352 hex digits; text in UCS2 hex up to 4 digits a character.
const maxSMSInput = 1024

// cmdCMGS sends a message: AT+CMGS="<da>"[,<toda>] in text mode, then the
// text; AT+CMGS=<length> in PDU mode, then the PDU in hex. Ctrl+Z sends,
// ESC cancels. The result is +CMGS: <mr> and OK.
func cmdCMGS(m *Modem, c *command) result {
	if c.form == formTest {
		return okResult
	}
	if c.form != formWrite || c.argc() > 2 {
		return errorResult
	}
	if r, ok := m.smsReady(); !ok {
		return r
	}
	return m.startSMSPrompt(c, &smsPrompt{})
}

// startSMSPrompt reads the destination (text mode) or the TPDU length (PDU
// mode) of AT+CMGS and AT+CMGW and sends the prompt.
func (m *Modem) startSMSPrompt(c *command, p *smsPrompt) result {
	if m.sms.text {
		da, ok := c.strArg(0)
		if ok {
			da, ok = teDecode(m.sms.cs, da)
		}
		if _, ok2 := c.optInt(1, 0, 255, 0); !ok || !ok2 || da == "" {
			return errorResult
		}
		p.da = da
	} else {
		n, ok := c.intArg(0, 7, 164)
		if !ok || c.argc() > 1 {
			return cms(304)
		}
		p.length = n
	}
	m.openPrompt(p)
	return pendingResult
}

// openPrompt sends "> " and takes the message.
func (m *Modem) openPrompt(p *smsPrompt) {
	if m.st.verbose {
		m.resp.WriteString("\r\n")
	}
	m.resp.WriteString("> ")
	m.flushResp()
	m.enterData(p)
}

// smsPrompt takes the text or PDU after AT+CMGS's prompt, up to Ctrl+Z.
type smsPrompt struct {
	write    bool   // AT+CMGW: store the message instead of sending it
	da       string // text mode: the destination
	length   int    // PDU mode: the TPDU length the command gave
	buf      []byte
	overflow bool
}

func (p *smsPrompt) feed(m *Modem, b []byte) int {
	for i, c := range b {
		switch c {
		case sub:
			p.take(m, b[:i])
			if p.write {
				m.leaveData(p.store(m))
			} else {
				m.leaveData(p.send(m))
			}
			return i + 1
		case esc:
			p.take(m, b[:i])
			m.leaveData(okResult) // cancelled: nothing sent
			return i + 1
		}
	}
	p.take(m, b)
	return len(b)
}

func (p *smsPrompt) take(m *Modem, b []byte) {
	if m.st.echo {
		m.write(b)
	}
	room := maxSMSInput - len(p.buf)
	if len(b) > room {
		p.overflow, b = true, b[:room]
	}
	p.buf = append(p.buf, b...)
}

// send builds the message, hands it to the network and answers +CMGS.
func (p *smsPrompt) send(m *Modem) result {
	out, ok := p.message(m)
	if !ok {
		return cms(m.modeError())
	}
	ref, r := m.transmit(out)
	if r.kind == resOK {
		m.info(fmt.Sprintf("+CMGS: %d", ref))
	}
	return r
}

// message is what came after the prompt, decoded; false when it is not a
// valid message in the current mode.
func (p *smsPrompt) message(m *Modem) (SentSMS, bool) {
	if p.overflow {
		return SentSMS{}, false
	}
	if m.sms.text {
		return p.fromText(m)
	}
	return p.fromPDU()
}

// store is AT+CMGW's end: the message is kept as STO UNSENT and its index
// given as +CMGW: <index>.
func (p *smsPrompt) store(m *Modem) result {
	out, ok := p.message(m)
	if !ok {
		return cms(m.modeError())
	}
	body, _ := encodeBody(out.Text, out.Data, out.DCS)
	msg := &storedSMS{stat: statUnsent, addr: out.To, toa: addressType(out.To), dcs: out.DCS,
		text: out.Text, data: out.Data, submit: true, tpdu: encodeSubmit(out.To, out.DCS, body)}
	idx := m.sms.store(msg)
	if idx < 0 {
		return cms(322)
	}
	m.info(fmt.Sprintf("+CMGW: %d", idx))
	return okResult
}

// transmit hands a message to the network and returns its reference; a
// message to the SIM's own number comes back as an incoming one.
func (m *Modem) transmit(out SentSMS) (int, result) {
	if !m.st.registered() {
		return 0, cms(331)
	}
	if m.faults.SMSRejected {
		m.tracef("SMS to %s refused by the network (sms-rejected)", out.To)
		return 0, cms(500)
	}
	s := m.sms
	out.Ref = s.mr
	s.mr = (s.mr + 1) % 256
	m.net.add(out)
	m.tracef("SMS sent to %s: %q", out.To, out.Text)
	if out.To == OwnNumber {
		body, _ := encodeBody(out.Text, out.Data, out.DCS)
		m.afterLine = append(m.afterLine, func() { m.receiveSMS(OwnNumber, out.Text, out.DCS, body) })
	}
	return out.Ref, okResult
}

// cmdCMGW stores a message to send later: the same input as AT+CMGS, the
// answer +CMGW: <index>. A bare AT+CMGW in text mode takes no destination.
func cmdCMGW(m *Modem, c *command) result {
	if c.form == formTest {
		return okResult
	}
	if c.argc() > 3 || (c.form != formWrite && !(c.form == formExec && m.sms.text)) {
		return errorResult
	}
	if r, ok := m.smsReady(); !ok {
		return r
	}
	p := &smsPrompt{write: true}
	if c.form == formExec {
		m.openPrompt(p)
		return pendingResult
	}
	return m.startSMSPrompt(c, p)
}

// cmdCMSS sends a stored message: AT+CMSS=<index>[,"<da>"[,<toda>]] answers
// +CMSS: <mr>; the message becomes STO SENT.
func cmdCMSS(m *Modem, c *command) result {
	if c.form == formTest {
		return okResult
	}
	idx, ok1 := c.intArg(0, 0, 1<<16)
	_, ok2 := c.optInt(2, 0, 255, 0)
	if c.form != formWrite || !ok1 || !ok2 || c.argc() > 3 {
		return errorResult
	}
	if r, ok := m.smsReady(); !ok {
		return r
	}
	if idx >= smsSlots || m.sms.stored[idx] == nil || !m.sms.stored[idx].submit {
		return cms(321)
	}
	msg := m.sms.stored[idx]
	to := msg.addr
	if c.has(1) {
		da, ok := c.strArg(1)
		if ok {
			da, ok = teDecode(m.sms.cs, da)
		}
		if !ok || da == "" {
			return errorResult
		}
		to = da
	}
	if to == "" {
		return cms(330) // no destination: the EC20 reports the address unknown (unconfirmed)
	}
	ref, r := m.transmit(SentSMS{To: to, Text: msg.text, Data: msg.data, DCS: alphabet(msg.dcs)})
	if r.kind != resOK {
		return r
	}
	msg.stat = statSent
	m.info(fmt.Sprintf("+CMSS: %d", ref))
	return okResult
}

// modeError is the +CMS ERROR code of bad input in the current mode.
func (m *Modem) modeError() int {
	if m.sms.text {
		return 305
	}
	return 304
}

// fromText reads text mode input in the AT+CSCS character set, coded per
// the <dcs> of AT+CSMP.
func (p *smsPrompt) fromText(m *Modem) (SentSMS, bool) {
	text, ok := teDecode(m.sms.cs, string(p.buf))
	if !ok {
		return SentSMS{}, false
	}
	dcs := byte(m.sms.dcs)
	if _, ok := encodeBody(text, []byte(text), dcs); !ok {
		return SentSMS{}, false
	}
	out := SentSMS{To: p.da, Text: text, DCS: alphabet(dcs)}
	if out.DCS == dcsData {
		out.Text, out.Data = "", []byte(text)
	}
	return out, true
}

// fromPDU decodes the hex SMS-SUBMIT; its TPDU must be as long as the
// command said.
func (p *smsPrompt) fromPDU() (SentSMS, bool) {
	raw, err := hex.DecodeString(strings.TrimSpace(string(p.buf)))
	if err != nil {
		return SentSMS{}, false
	}
	tpdu, ok := splitSMSC(raw)
	if !ok || len(tpdu) != p.length {
		return SentSMS{}, false
	}
	sub, err := decodeSubmit(tpdu)
	if err != nil {
		return SentSMS{}, false
	}
	return SentSMS{To: sub.da, Text: sub.text, Data: sub.data, DCS: alphabet(sub.dcs)}, true
}

// cmdCMGR reads a message; an unread one becomes read unless <mode> is 1.
// An empty index answers OK alone.
func cmdCMGR(m *Modem, c *command) result {
	if c.form == formTest {
		return okResult
	}
	idx, ok1 := c.intArg(0, 0, 1<<16)
	mode, ok2 := c.optInt(1, 0, 1, 0)
	if c.form != formWrite || !ok1 || !ok2 || c.argc() > 2 {
		return errorResult
	}
	if r, ok := m.smsReady(); !ok {
		return r
	}
	if idx >= smsSlots {
		return cms(321)
	}
	msg := m.sms.stored[idx]
	if msg == nil {
		return okResult
	}
	if m.sms.text {
		head := fmt.Sprintf(`+CMGR: "%s",%s`, statNames[msg.stat], m.textAddrTime(msg))
		if msg.submit {
			head = fmt.Sprintf(`+CMGR: "%s","%s",`, statNames[msg.stat], teEncode(m.sms.cs, msg.addr))
		}
		if m.sms.csdh && !msg.submit {
			head += m.textParams(msg)
		}
		m.info(head)
		m.info(m.textData(msg))
	} else {
		m.info(fmt.Sprintf("+CMGR: %d,,%d", msg.stat, len(msg.tpdu)))
		m.info(m.pduHex(msg))
	}
	if msg.stat == statUnread && mode == 0 {
		msg.stat = statRead
	}
	return okResult
}

// cmdCMGL lists messages of one state: AT+CMGL="REC UNREAD" (the default)
// ... "ALL" in text mode, AT+CMGL=0 ... 4 in PDU mode.
func cmdCMGL(m *Modem, c *command) result {
	if c.form == formTest {
		if m.sms.text {
			m.info(`+CMGL: ("REC UNREAD","REC READ","STO UNSENT","STO SENT","ALL")`)
		} else {
			m.info("+CMGL: (0-4)")
		}
		return okResult
	}
	want, ok := m.listState(c)
	if !ok {
		return errorResult
	}
	if r, ok := m.smsReady(); !ok {
		return r
	}
	for i, msg := range m.sms.stored {
		if msg == nil || (want != statAll && msg.stat != want) {
			continue
		}
		if m.sms.text {
			head := fmt.Sprintf(`+CMGL: %d,"%s",%s`, i, statNames[msg.stat], m.textAddrTime(msg))
			if msg.submit {
				head = fmt.Sprintf(`+CMGL: %d,"%s","%s",,`, i, statNames[msg.stat], teEncode(m.sms.cs, msg.addr))
			}
			if m.sms.csdh && !msg.submit {
				head += m.textParams(msg)
			}
			m.info(head)
			m.info(m.textData(msg))
		} else {
			m.info(fmt.Sprintf("+CMGL: %d,%d,,%d", i, msg.stat, len(msg.tpdu)))
			m.info(m.pduHex(msg))
		}
		if msg.stat == statUnread {
			msg.stat = statRead
		}
	}
	return okResult
}

// listState reads AT+CMGL's <stat>: a name in text mode, a number in PDU
// mode; none lists the unread ones.
func (m *Modem) listState(c *command) (int, bool) {
	if c.form == formExec || (c.form == formWrite && !c.has(0)) {
		return statUnread, c.argc() <= 1
	}
	if c.form != formWrite || c.argc() > 2 {
		return 0, false
	}
	if _, ok := c.optInt(1, 0, 1, 0); !ok {
		return 0, false
	}
	if !m.sms.text {
		return c.intArg(0, 0, 4)
	}
	name, ok := c.strArg(0)
	if dec, isHex := teDecode(m.sms.cs, name); ok && m.sms.cs == csUCS2 && isHex {
		name = dec // in UCS2 every string parameter is hex
	}
	for i, n := range statNames {
		if ok && strings.EqualFold(name, n) {
			return i, true
		}
	}
	return 0, false
}

// cmdCMGD deletes one message, or with <delflag> 1-4 every read (1), read
// and sent (2), read, sent and unsent (3) or all (4) messages.
func cmdCMGD(m *Modem, c *command) result {
	if c.form == formTest {
		m.info(fmt.Sprintf("+CMGD: (%s),(0-4)", usedIndexes(m.sms)))
		return okResult
	}
	idx, ok1 := c.intArg(0, 0, 1<<16)
	flag, ok2 := c.optInt(1, 0, 4, 0)
	if c.form != formWrite || !ok1 || !ok2 || c.argc() > 2 {
		return errorResult
	}
	if r, ok := m.smsReady(); !ok {
		return r
	}
	s := m.sms
	if flag == 0 {
		if idx >= smsSlots {
			return cms(321)
		}
		s.stored[idx] = nil
		return okResult
	}
	for i, msg := range s.stored {
		if msg != nil && deletedBy(flag, msg.stat) {
			s.stored[i] = nil
		}
	}
	return okResult
}

func deletedBy(flag, stat int) bool {
	switch flag {
	case 1:
		return stat == statRead
	case 2:
		return stat == statRead || stat == statSent
	case 3:
		return stat != statUnread
	}
	return true
}

func usedIndexes(s *smsService) string {
	var idx []string
	for i, msg := range s.stored {
		if msg != nil {
			idx = append(idx, strconv.Itoa(i))
		}
	}
	return strings.Join(idx, ",")
}

// textAddrTime is the text mode "<oa>",,"<scts>" of a message.
func (m *Modem) textAddrTime(msg *storedSMS) string {
	return fmt.Sprintf(`"%s",,"%s"`, teEncode(m.sms.cs, msg.addr), sctsText(msg.scts))
}

// textParams is what AT+CSDH=1 adds: ,<tooa>,<fo>,<pid>,<dcs>,<sca>,<tosca>,<length>.
func (m *Modem) textParams(msg *storedSMS) string {
	n := len([]rune(msg.text))
	if alphabet(msg.dcs) != dcsGSM7 {
		n = len(msg.tpdu) - deliverHeaderLen(msg)
	}
	return fmt.Sprintf(`,%d,%d,0,%d,"%s",%d,%d`, msg.toa, msg.tpdu[0], msg.dcs,
		teEncode(m.sms.cs, m.sms.smsc), addressType(m.sms.smsc), n)
}

// deliverHeaderLen is the length of an SMS-DELIVER TPDU before its user data.
func deliverHeaderLen(msg *storedSMS) int {
	return 1 + len(encodeAddress(msg.addr)) + 2 + 7 + 1
}

// textData is a message's text as text mode shows it: in the AT+CSCS
// character set for GSM 7-bit messages, as hex for UCS2 and 8-bit ones
// (TS 27.005 §3.1, <data>).
func (m *Modem) textData(msg *storedSMS) string {
	switch alphabet(msg.dcs) {
	case dcsUCS2:
		return strings.ToUpper(hex.EncodeToString(ucs2(msg.text)))
	case dcsData:
		return strings.ToUpper(hex.EncodeToString(msg.data))
	}
	return teEncode(m.sms.cs, msg.text)
}

// pduHex is a stored message as PDU mode shows it: service centre address,
// then the TPDU, in upper-case hex.
func (m *Modem) pduHex(msg *storedSMS) string {
	return strings.ToUpper(hex.EncodeToString(append(smscField(m.sms.smsc), msg.tpdu...)))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
