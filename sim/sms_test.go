package sim

import (
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestGSMAlphabetHas128Septets(t *testing.T) {
	if len(gsmBasic) != 128 {
		t.Fatalf("basic table has %d characters", len(gsmBasic))
	}
	for _, tc := range []struct {
		r rune
		b byte
	}{{'@', 0}, {'A', 0x41}, {'é', 0x05}, {'ü', 0x7E}, {'à', 0x7F}, {'_', 0x11}} {
		if gsmIndex[tc.r] != tc.b {
			t.Errorf("%q = %#x, want %#x", tc.r, gsmIndex[tc.r], tc.b)
		}
	}
}

// The packing example of 3GPP TS 23.038 §6.1.2.1.1 and a classic PDU
// tutorial: "hellohello" packs to E8329BFD4697D9EC37.
func TestPackSeptets(t *testing.T) {
	s, ok := toSeptets("hellohello")
	if !ok {
		t.Fatal("not GSM")
	}
	if got := strings.ToUpper(hex.EncodeToString(packSeptets(s, 0))); got != "E8329BFD4697D9EC37" {
		t.Fatalf("packed %s", got)
	}
	back, _ := unpackSeptets(packSeptets(s, 0), len(s), 0)
	if fromSeptets(back) != "hellohello" {
		t.Fatalf("unpacked %q", fromSeptets(back))
	}
}

// A SUBMIT written by hand from TS 23.040: to +491701234567, GSM 7-bit,
// relative validity, "Hi [x]" (an extension character).
func TestDecodeSubmit(t *testing.T) {
	s, _ := toSeptets("Hi [x]")
	body := packSeptets(s, 0)
	tpdu := append([]byte{0x11, 0x05, 0x0C, 0x91}, swapBCD("491701234567")...)
	tpdu = append(tpdu, 0x00, 0x00, 0xA7, byte(len(s)))
	tpdu = append(tpdu, body...)
	got, err := decodeSubmit(tpdu)
	if err != nil {
		t.Fatal(err)
	}
	if got.da != "+491701234567" || got.text != "Hi [x]" || got.mr != 5 {
		t.Fatalf("%+v", got)
	}
	for i := range tpdu {
		if _, err := decodeSubmit(tpdu[:i]); err == nil {
			t.Errorf("a TPDU cut at %d bytes decoded", i)
		}
	}
}

func TestSCTS(t *testing.T) {
	ts := time.Date(2026, 12, 1, 13, 5, 9, 0, time.FixedZone("", -5*3600))
	if got := strings.ToUpper(hex.EncodeToString(encodeSCTS(ts))); got != "6221103150900A" {
		t.Fatalf("SCTS %s", got)
	}
	if got := sctsText(ts); got != "26/12/01,13:05:09-20" {
		t.Fatalf("text %s", got)
	}
}

func smsHarness(t *testing.T) *harness {
	h := newHarness(t, Options{Dial: noDial})
	h.bootDone()
	h.echoOff()
	return h
}

func TestSMSTextSendToSelfArrivesAsCMTI(t *testing.T) {
	h := smsHarness(t)
	for _, line := range []string{"AT+CMGF=1", `AT+CSCS="GSM"`} {
		if got := h.cmd(line); got != "\r\nOK\r\n" {
			t.Fatalf("%s: %q", line, got)
		}
	}
	h.send(`AT+CMGS="` + OwnNumber + "\"\r")
	h.expect("\r\n> ")
	h.send("hello [world]\x1a")
	h.expect("\r\n+CMGS: 0\r\n\r\nOK\r\n")
	h.expect("\r\n+CMTI: \"SM\",0\r\n")
	got := h.cmd("AT+CMGR=0")
	want := "\r\n+CMGR: \"REC UNREAD\",\"" + OwnNumber + "\",,\""
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "\"\r\nhello [world]\r\n\r\nOK\r\n") {
		t.Fatalf("CMGR %q", got)
	}
	if got := h.cmd(`AT+CMGL="REC UNREAD"`); got != "\r\nOK\r\n" {
		t.Fatalf("read message still unread: %q", got)
	}
	if got := h.cmd(`AT+CMGL="ALL"`); !strings.Contains(got, "+CMGL: 0,\"REC READ\"") {
		t.Fatalf("CMGL ALL %q", got)
	}
	sent := h.m.SentSMS()
	if len(sent) != 1 || sent[0].Text != "hello [world]" || sent[0].To != OwnNumber {
		t.Fatalf("network got %+v", sent)
	}
	if got := h.cmd("AT+CMGD=0"); got != "\r\nOK\r\n" {
		t.Fatal(got)
	}
	if got := h.cmd("AT+CMGR=0"); got != "\r\nOK\r\n" {
		t.Fatalf("deleted message read %q", got)
	}
}

func TestSMSUCS2TextMode(t *testing.T) {
	h := smsHarness(t)
	for _, line := range []string{"AT+CMGF=1", `AT+CSCS="UCS2"`, "AT+CSMP=17,167,0,8"} {
		if got := h.cmd(line); got != "\r\nOK\r\n" {
			t.Fatalf("%s: %q", line, got)
		}
	}
	da := strings.ToUpper(hex.EncodeToString(ucs2(OwnNumber)))
	h.send(`AT+CMGS="` + da + "\"\r")
	h.expect("\r\n> ")
	h.send(strings.ToUpper(hex.EncodeToString(ucs2("Grüße €"))) + "\x1a")
	h.expect("\r\n+CMGS: 0\r\n\r\nOK\r\n")
	h.until("+CMTI: \"SM\",0\r\n")
	got := h.cmd("AT+CMGR=0")
	if !strings.Contains(got, "\r\n0047007200FC00DF0065002020AC\r\n") {
		t.Fatalf("CMGR %q", got)
	}
	if s := h.m.SentSMS(); len(s) != 1 || s[0].Text != "Grüße €" || s[0].DCS != dcsUCS2 {
		t.Fatalf("sent %+v", s)
	}
}

func TestSMSEscapeCancels(t *testing.T) {
	h := smsHarness(t)
	h.cmd("AT+CMGF=1")
	h.send("AT+CMGS=\"+4912345\"\r")
	h.expect("\r\n> ")
	h.send("never mind\x1b")
	h.expect("\r\nOK\r\n")
	if len(h.m.SentSMS()) != 0 {
		t.Fatal("a cancelled message was sent")
	}
}

// PDU mode: a SUBMIT in hex goes out; the DELIVER that comes back decodes
// to the same text.
func TestSMSPDUMode(t *testing.T) {
	h := smsHarness(t)
	s, _ := toSeptets("pdu test")
	tpdu := append([]byte{0x11, 0x00}, encodeAddress(OwnNumber)...)
	tpdu = append(tpdu, 0x00, 0x00, 0xA7, byte(len(s)))
	tpdu = append(tpdu, packSeptets(s, 0)...)
	pdu := "00" + strings.ToUpper(hex.EncodeToString(tpdu))
	h.send("AT+CMGS=" + strconv.Itoa(len(tpdu)) + "\r")
	h.expect("\r\n> ")
	h.send(pdu + "\x1a")
	h.expect("\r\n+CMGS: 0\r\n\r\nOK\r\n")
	h.until("+CMTI: \"SM\",0\r\n")
	got := h.cmd("AT+CMGR=0")
	lines := strings.Split(strings.TrimSpace(got), "\r\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "+CMGR: 0,,") {
		t.Fatalf("CMGR %q", got)
	}
	raw, err := hex.DecodeString(lines[1])
	if err != nil {
		t.Fatal(err)
	}
	deliver, _ := splitSMSC(raw)
	r := &pduReader{b: deliver, i: 1}
	oa, _ := readAddress(r)
	r.take(2 + 7)
	udl := int(r.byte())
	text, _, err := readUserData(deliver[r.i:], udl, 0, false)
	if err != nil || oa != OwnNumber || text != "pdu test" {
		t.Fatalf("deliver from %q text %q err %v", oa, text, err)
	}
	// A length that does not match the PDU is refused.
	h.cmd("AT+CMEE=2")
	h.send("AT+CMGS=" + strconv.Itoa(len(tpdu)+1) + "\r")
	h.expect("\r\n> ")
	h.send(pdu + "\x1a")
	h.expect("\r\n+CMS ERROR: invalid PDU mode parameter\r\n")
}

func TestSMSInjectedCMTRoute(t *testing.T) {
	h := smsHarness(t)
	h.cmd("AT+CMGF=1")
	h.cmd("AT+CNMI=2,2,0,0,0")
	if err := h.m.DeliverSMS("+4917000000", "ping"); err != nil {
		t.Fatal(err)
	}
	got := h.until("\r\nping\r\n")
	if !strings.HasPrefix(got, "\r\n+CMT: \"+4917000000\",,\"") {
		t.Fatalf("CMT %q", got)
	}
	if err := h.m.DeliverSMS("x", strings.Repeat("a", 161)); err == nil {
		t.Fatal("a 161-character text was taken")
	}
}

func TestSMSErrorsVerbose(t *testing.T) {
	h := newHarness(t, Options{Dial: noDial, Faults: Faults{NoSIM: true}})
	h.until("+CPIN: NOT READY\r\n")
	h.echoOff()
	h.cmd("AT+CMEE=2")
	if got := h.cmd("AT+CMGR=0"); got != "\r\n+CMS ERROR: SIM not inserted\r\n" {
		t.Fatalf("%q", got)
	}
	h.cmd("AT+CMEE=1")
	if got := h.cmd("AT+CPMS?"); got != "\r\n+CMS ERROR: 310\r\n" {
		t.Fatalf("%q", got)
	}
}

func TestUnknownCommandIsLogged(t *testing.T) {
	var mu sync.Mutex
	var logged []string
	h := newHarness(t, Options{Dial: noDial, Log: func(s string) {
		mu.Lock()
		logged = append(logged, s)
		mu.Unlock()
	}})
	h.bootDone()
	h.echoOff()
	h.cmd("AT+CMEE=2")
	if got := h.cmd("AT+QFOO=1"); got != "\r\nERROR\r\n" {
		t.Fatalf("%q", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(logged) != 1 || !strings.Contains(logged[0], "AT+QFOO is not implemented") {
		t.Fatalf("log %q", logged)
	}
	if !Lacks("AT+QFOO=1") || Lacks("AT+CMGS=\"1\"") || Lacks("ATE0") || Lacks("garbage") {
		t.Fatal("Lacks")
	}
}

func TestSMSWriteThenSendFromStorage(t *testing.T) {
	h := smsHarness(t)
	h.cmd("AT+CMGF=1")
	h.send(`AT+CMGW="` + OwnNumber + "\"\r")
	h.expect("\r\n> ")
	h.send("stored first\x1a")
	h.expect("\r\n+CMGW: 0\r\n\r\nOK\r\n")
	if got := h.cmd(`AT+CMGL="STO UNSENT"`); got != "\r\n+CMGL: 0,\"STO UNSENT\",\""+OwnNumber+"\",,\r\nstored first\r\n\r\nOK\r\n" {
		t.Fatalf("%q", got)
	}
	if got := h.cmd("AT+CMSS=0"); got != "\r\n+CMSS: 0\r\n\r\nOK\r\n" {
		t.Fatalf("%q", got)
	}
	h.expect("\r\n+CMTI: \"SM\",1\r\n")
	if got := h.cmd("AT+CMGR=0"); got != "\r\n+CMGR: \"STO SENT\",\""+OwnNumber+"\",\r\nstored first\r\n\r\nOK\r\n" {
		t.Fatalf("%q", got)
	}
	if got := h.cmd("AT+CMSS=1"); got != "\r\n+CMS ERROR: 321\r\n" {
		t.Fatalf("a received message sent again: %q", got)
	}
}

func TestSMSListStateInUCS2(t *testing.T) {
	h := smsHarness(t)
	h.cmd("AT+CMGF=1")
	h.cmd(`AT+CSCS="UCS2"`)
	if err := h.m.DeliverSMS("+4912", "hi"); err != nil {
		t.Fatal(err)
	}
	h.until("+CMTI: \"SM\",0\r\n")
	all := strings.ToUpper(hex.EncodeToString(ucs2("ALL")))
	got := h.cmd(`AT+CMGL="` + all + `"`)
	want := "\r\n+CMGL: 0,\"REC UNREAD\",\"002B0034003900310032\",,\""
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "\r\n00680069\r\n\r\nOK\r\n") {
		t.Fatalf("%q", got)
	}
}
