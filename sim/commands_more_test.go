package sim

import (
	"net"
	"regexp"
	"strings"
	"testing"
	"time"
)

func realDialHarness(t *testing.T) *harness {
	h := newHarness(t, Options{Dial: (&net.Dialer{}).DialContext})
	h.bootDone()
	h.echoOff()
	return h
}

func TestQFDWLSendsTheFileWithItsChecksum(t *testing.T) {
	h := smsHarness(t)
	h.send("AT+QFUPL=\"RAM:a.txt\",5,10\r")
	h.expect("\r\nCONNECT\r\n")
	h.send("12345")
	h.expect("\r\n+QFUPL: 5," + ChecksumString([]byte("12345")) + "\r\n\r\nOK\r\n")
	got := h.cmd(`AT+QFDWL="RAM:a.txt"`)
	want := "\r\nCONNECT\r\n12345\r\n+QFDWL: 5," + ChecksumString([]byte("12345")) + "\r\n\r\nOK\r\n"
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if got := h.cmd(`AT+QFDWL="RAM:none"`); got != "\r\n+CME ERROR: 405\r\n" {
		t.Fatalf("%q", got)
	}
}

func TestQFOPENWriteSeekRead(t *testing.T) {
	h := smsHarness(t)
	if got := h.cmd(`AT+QFOPEN="log.txt",0`); got != "\r\n+QFOPEN: 1027\r\n\r\nOK\r\n" {
		t.Fatalf("%q", got)
	}
	h.send("AT+QFWRITE=1027,6\r")
	h.expect("\r\nCONNECT\r\n")
	h.send("abcdef")
	h.expect("\r\n+QFWRITE: 6,6\r\n\r\nOK\r\n")
	h.cmd("AT+QFSEEK=1027,2,0")
	if got := h.cmd("AT+QFREAD=1027,3"); got != "\r\nCONNECT 3\r\ncde\r\nOK\r\n" {
		t.Fatalf("%q", got)
	}
	if got := h.cmd("AT+QFPOSITION=1027"); got != "\r\n+QFPOSITION: 5\r\n\r\nOK\r\n" {
		t.Fatalf("%q", got)
	}
	h.cmd("AT+QFCLOSE=1027")
	if got := h.cmd("AT+QFREAD=1027"); got != "\r\n+CME ERROR: 416\r\n" {
		t.Fatalf("closed handle: %q", got)
	}
	if got := h.cmd(`AT+QFLST="log.txt"`); got != "\r\n+QFLST: \"log.txt\",6\r\n\r\nOK\r\n" {
		t.Fatalf("%q", got)
	}
}

func TestClock(t *testing.T) {
	h := smsHarness(t)
	if got := h.cmd(`AT+CCLK="26/01/02,03:04:05+08"`); got != "\r\nOK\r\n" {
		t.Fatalf("%q", got)
	}
	got := h.cmd("AT+CCLK?")
	if !regexp.MustCompile(`^\r\n\+CCLK: "26/01/02,03:04:0\d\+08"\r\n\r\nOK\r\n$`).MatchString(got) {
		t.Fatalf("%q", got)
	}
	got = h.cmd("AT+QLTS=2")
	if !regexp.MustCompile(`^\r\n\+QLTS: "2026/01/02,03:04:0\d\+08,0"\r\n\r\nOK\r\n$`).MatchString(got) {
		t.Fatalf("%q", got)
	}
	if got := h.cmd(`AT+CCLK="26/13/02,03:04:05+08"`); got != "\r\nERROR\r\n" {
		t.Fatalf("month 13: %q", got)
	}
}

func TestQNTPAgainstALoopbackServer(t *testing.T) {
	srv, err := StartNTPServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	host, port, _ := net.SplitHostPort(srv.Addr)
	h := realDialHarness(t)
	h.cmd(`AT+CCLK="80/01/06,00:00:00+00"`)
	if got := h.cmd(`AT+QNTP=1,"` + host + `",` + port); got != "\r\nOK\r\n" {
		t.Fatalf("%q", got)
	}
	urc := h.until("\r\n")
	urc += h.until("\r\n")
	year := time.Now().UTC().Format("2006")
	if !strings.HasPrefix(urc, "\r\n+QNTP: 0,\""+year+"/") {
		t.Fatalf("URC %q", urc)
	}
	if got := h.cmd("AT+CCLK?"); !strings.Contains(got, "+CCLK: \""+year[2:]+"/") {
		t.Fatalf("clock not set: %q", got)
	}
}

func TestQIDNSGIPResolvesLocalhost(t *testing.T) {
	h := realDialHarness(t)
	if got := h.cmd(`AT+QIDNSGIP=1,"localhost"`); got != "\r\nOK\r\n" {
		t.Fatalf("%q", got)
	}
	got := h.until(`+QIURC: "dnsgip","127.0.0.1"` + "\r\n")
	if !strings.Contains(got, `+QIURC: "dnsgip",0,`) {
		t.Fatalf("%q", got)
	}
	h.cmd(`AT+QIDNSGIP=1,"no-such-host.invalid"`)
	if got := h.until("565\r\n"); !strings.HasSuffix(got, "\r\n+QIURC: \"dnsgip\",565\r\n") {
		t.Fatalf("%q", got)
	}
}

// AT+QPING answers per reply and sums up, with real ICMP when this process
// may send it and made-up replies when not.
func TestQPING(t *testing.T) {
	real := pingSocket()
	for _, mode := range []string{real, ""} {
		t.Run("socket="+mode, func(t *testing.T) {
			saved := pingSocket
			pingSocket = func() string { return mode }
			defer func() { pingSocket = saved }()
			h := newHarness(t, Options{}) // the host's network: real ICMP where allowed
			h.bootDone()
			h.echoOff()
			h.cmd(`AT+QPING=1,"localhost",4,2`)
			got := h.until("+QPING: 0,2,")
			got += h.until("\r\n")
			replies := regexp.MustCompile(`\+QPING: 0,"127\.0\.0\.1",32,(\d+),(\d+)\r\n`).FindAllStringSubmatch(got, -1)
			if len(replies) != 2 || !regexp.MustCompile(`\+QPING: 0,2,2,0,\d+,\d+,\d+\r\n$`).MatchString(got) {
				t.Fatalf("%q", got)
			}
		})
	}
	if real == "" {
		t.Log("no ICMP socket allowed here: only made-up replies were checked")
	}
}

func TestPingSummary(t *testing.T) {
	if got := pingSummary(4, []int{3, 1, 5}); got != "+QPING: 0,4,3,1,1,5,3" {
		t.Fatal(got)
	}
	if got := pingSummary(2, nil); got != "+QPING: 0,2,0,2,0,0,0" {
		t.Fatal(got)
	}
}

func TestNetworkQueries(t *testing.T) {
	h := smsHarness(t)
	for _, tc := range []struct{ cmd, want string }{
		{"AT+QNWINFO", "\r\n+QNWINFO: \"FDD LTE\",\"00101\",\"LTE BAND 3\",1650\r\n\r\nOK\r\n"},
		{"AT+QGMR", "\r\n" + defaultRevision + "_01.001.01.001\r\n\r\nOK\r\n"},
		{"AT+IPR?", "\r\n+IPR: 115200\r\n\r\nOK\r\n"},
		{`AT+QCFG="nwscanmode"`, "\r\n+QCFG: \"nwscanmode\",0\r\n\r\nOK\r\n"},
		{`AT+QCFG="nwscanmode",3,1`, "\r\nOK\r\n"},
		{`AT+QCFG="nwscanmode"`, "\r\n+QCFG: \"nwscanmode\",3,1\r\n\r\nOK\r\n"},
		{`AT+QCFG="nosuch"`, "\r\nERROR\r\n"},
		{"AT+QCCID", "\r\n+QCCID: 89860000000000000019\r\n\r\nOK\r\n"},
		{`AT+QENG="servingcell"`, "\r\n+QENG: \"servingcell\",\"NOCONN\",\"LTE\",\"FDD\",001,01,80D413D,247,1650,3,5,5,1A2B,-90,-10,-65,28,40\r\n\r\nOK\r\n"},
		{`AT+QENG="neighbourcell"`, "\r\nERROR\r\n"},
		{"AT+QCSQ", "\r\n+QCSQ: \"LTE\",-65,-90,240,-10\r\n\r\nOK\r\n"},
		{"AT+QSPN", "\r\n+QSPN: \"atrun\",\"atrun\",\"\",0,\"00101\"\r\n\r\nOK\r\n"},
		{"AT+CBC", "\r\n+CBC: 0,78,3950\r\n\r\nOK\r\n"},
		{"AT+CIMI", "\r\n001010000000018\r\n\r\nOK\r\n"},
	} {
		if got := h.cmd(tc.cmd); got != tc.want {
			t.Errorf("%s: got %q want %q", tc.cmd, got, tc.want)
		}
	}
	clac := h.cmd("AT+CLAC")
	for _, c := range []string{"AT+CMGS", "AT+QFDWL", "AT+QPING", "AT+CSQ", "ATE"} {
		if !strings.Contains(clac, "\r\n"+c+"\r\n") {
			t.Errorf("CLAC lacks %s", c)
		}
	}
	if strings.Contains(clac, "AT+QFOO") || !strings.HasSuffix(clac, "\r\n\r\nOK\r\n") {
		t.Errorf("CLAC %q", clac)
	}
}

// Every CME and CMS code the modem can give has its verbose text.
func TestEveryErrorHasItsVerboseText(t *testing.T) {
	for _, code := range []int{3, 4, 10, 11, 13, 16, 30, 400, 403, 405, 406, 407, 413, 414, 416, 418, 421, 423, 426, 561} {
		if cmeText(code) == "Unknown error" {
			t.Errorf("+CME ERROR: %d has no text", code)
		}
	}
	for _, code := range []int{304, 305, 310, 311, 313, 321, 331} {
		if _, ok := cmsTexts[code]; !ok {
			t.Errorf("+CMS ERROR: %d has no text", code)
		}
	}
}
