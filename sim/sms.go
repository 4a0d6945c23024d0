package sim

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// smsSlots is the message storage of the SIM ("SM"); the other memories
// named by AT+CPMS ("ME", "MT") are the same storage here.
const smsSlots = 50

// Message states of AT+CMGL/AT+CMGR (TS 27.005 §3.1, <stat>).
const (
	statUnread = iota
	statRead
	statUnsent
	statSent
	statAll
)

var statNames = []string{"REC UNREAD", "REC READ", "STO UNSENT", "STO SENT", "ALL"}

// Defaults after power-up (EC2x AT manual §9: AT+CSMP 17,167,0,0, AT+CNMI
// 2,1,0,0,0, PDU mode, GSM character set).
var defaultCNMI = [5]int{2, 1, 0, 0, 0}

// OwnNumber is the virtual SIM's MSISDN (AT+CNUM). A message sent to it
// comes back as an incoming one, as on a real network.
const OwnNumber = "+15550100018"

// serviceCentre is the SMSC the SIM holds (AT+CSCA?).
const serviceCentre = "+15550000100"

// smsService is the modem's SMS side. Settings are reset at power-up;
// stored messages live on the SIM and survive reboots. Loop-owned.
type smsService struct {
	text   bool // AT+CMGF=1
	cs     string
	fo     int
	vp     int
	pid    int
	dcs    int
	cnmi   [5]int
	csdh   bool
	mem    [3]string
	smsc   string
	mr     int
	stored [smsSlots]*storedSMS
}

// storedSMS is one message in storage. Received messages keep their
// SMS-DELIVER TPDU, sent or written ones their SMS-SUBMIT.
type storedSMS struct {
	submit bool // written with AT+CMGW: an SMS-SUBMIT, no time stamp
	stat   int
	addr   string
	toa    int
	scts   time.Time
	dcs    byte
	text   string
	data   []byte
	tpdu   []byte
}

func newSMSService() *smsService {
	s := &smsService{smsc: serviceCentre}
	s.powerOn()
	return s
}

func (s *smsService) powerOn() {
	s.text, s.cs = false, csGSM
	s.fo, s.vp, s.pid, s.dcs = 17, 167, 0, 0
	s.cnmi = defaultCNMI
	s.csdh = false
	s.mem = [3]string{"SM", "SM", "SM"}
}

func (s *smsService) used() int {
	n := 0
	for _, m := range s.stored {
		if m != nil {
			n++
		}
	}
	return n
}

// store puts a message in the first free slot and returns its index, or
// -1 when the storage is full.
func (s *smsService) store(msg *storedSMS) int {
	for i, m := range s.stored {
		if m == nil {
			s.stored[i] = msg
			return i
		}
	}
	return -1
}

// SentSMS is a message the modem sent (AT+CMGS), as the network took it.
type SentSMS struct {
	To   string // destination, "+" and digits for an international number
	Text string // the text (GSM 7-bit and UCS2 messages)
	Data []byte // the user data of an 8-bit message
	DCS  byte   // data coding scheme: 0 GSM 7-bit, 8 UCS2, 4 8-bit
	Ref  int    // the message reference of +CMGS: <mr>
}

// smsNetwork is where sent messages go and incoming ones come from: the
// other end of the radio link. Safe for any goroutine.
type smsNetwork struct {
	mu   sync.Mutex
	sent []SentSMS
	wake chan struct{} // closed and replaced at each sent message
}

func newSMSNetwork() *smsNetwork { return &smsNetwork{wake: make(chan struct{})} }

func (n *smsNetwork) add(s SentSMS) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, s)
	close(n.wake)
	n.wake = make(chan struct{})
}

// SentSMS returns the messages the modem has sent so far.
func (m *Modem) SentSMS() []SentSMS {
	m.net.mu.Lock()
	defer m.net.mu.Unlock()
	return append([]SentSMS(nil), m.net.sent...)
}

// SMSSent returns a channel closed at the next message the modem sends.
func (m *Modem) SMSSent() <-chan struct{} {
	m.net.mu.Lock()
	defer m.net.mu.Unlock()
	return m.net.wake
}

// DeliverSMS hands the modem an incoming text message from sender (digits
// with an optional '+', or a name for an alphanumeric sender), as the
// network would. It is coded GSM 7-bit when every character has a GSM form,
// UCS2 otherwise, and reported per AT+CNMI: stored with +CMTI: "SM",<index>
// or routed as +CMT:. Safe for any goroutine; it returns an error for a
// text too long for one message.
func (m *Modem) DeliverSMS(sender, text string) error {
	dcs := byte(dcsGSM7)
	if _, ok := toSeptets(text); !ok {
		dcs = dcsUCS2
	}
	body, ok := encodeBody(text, nil, dcs)
	if !ok {
		return fmt.Errorf("sim: a text of %d characters does not fit one SMS", len([]rune(text)))
	}
	if sender == "" {
		return fmt.Errorf("sim: an SMS needs a sender")
	}
	m.post(func() { m.receiveSMS(sender, text, dcs, body) })
	return nil
}

// receiveSMS stores or routes an incoming message.
func (m *Modem) receiveSMS(sender, text string, dcs byte, body userData) {
	now := m.clk.Now()
	tpdu := encodeDeliver(sender, now, dcs, body)
	msg := &storedSMS{stat: statUnread, addr: sender, toa: addressType(sender), scts: now, dcs: dcs, text: text, tpdu: tpdu}
	s := m.sms
	if m.st.sim != simReady || m.st.cfun == 0 {
		m.logf("incoming SMS from %s dropped: the SIM is not ready", sender)
		return
	}
	mode, mt := s.cnmi[0], s.cnmi[1]
	if mt == 2 {
		if mode != 0 {
			m.urc(m.cmtURC(msg))
		}
		m.tracef("incoming SMS from %s routed as +CMT", sender)
		return
	}
	idx := s.store(msg)
	if idx < 0 {
		m.logf("incoming SMS from %s lost: storage full (%d messages)", sender, smsSlots)
		return
	}
	m.tracef("incoming SMS from %s stored at index %d", sender, idx)
	if mode != 0 && mt != 0 {
		m.urc(fmt.Sprintf(`+CMTI: "%s",%d`, s.mem[2], idx))
	}
}

func addressType(addr string) int {
	d, intl := strings.CutPrefix(addr, "+")
	switch {
	case !isDigits(d):
		return toaAlpha
	case intl:
		return toaIntl
	}
	return toaOther
}

// cmtURC is the +CMT: URC with its data line: text mode header and text,
// or PDU mode length and PDU.
func (m *Modem) cmtURC(msg *storedSMS) string {
	if !m.sms.text {
		return fmt.Sprintf("+CMT: ,%d\r\n%s", len(msg.tpdu), m.pduHex(msg))
	}
	head := fmt.Sprintf(`+CMT: "%s",,"%s"`, teEncode(m.sms.cs, msg.addr), sctsText(msg.scts))
	if m.sms.csdh {
		head += m.textParams(msg)
	}
	return head + "\r\n" + m.textData(msg)
}

// cmsText is the verbose (AT+CMEE=2) form of a +CMS ERROR code (EC2x AT
// manual, summary of +CMS ERROR codes).
func cmsText(code int) string {
	if t, ok := cmsTexts[code]; ok {
		return t
	}
	return "unknown error"
}

var cmsTexts = map[int]string{
	300: "ME failure", 302: "operation not allowed", 303: "operation not supported",
	304: "invalid PDU mode parameter", 305: "invalid text mode parameter",
	310: "SIM not inserted", 311: "SIM PIN necessary", 313: "SIM failure", 314: "SIM busy",
	321: "invalid memory index", 322: "memory full", 330: "SMSC address unknown",
	331: "no network service", 332: "network timeout", 500: "unknown error",
}
