package sim

import (
	"context"
	"errors"
	"io"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.bug.st/serial"
)

// Every member's IMEI and ICCID carry a valid check digit, and no two
// members share an identity.
func TestIdentityOf(t *testing.T) {
	seen := map[string]bool{}
	for n := 1; n <= 100; n++ {
		id := IdentityOf(n)
		for _, v := range []string{id.IMEI, id.ICCID} {
			if withLuhn(v[:len(v)-1]) != v {
				t.Fatalf("member %d: %s has a wrong check digit", n, v)
			}
		}
		if len(id.IMEI) != 15 || len(id.IMSI) != 15 || len(id.ICCID) != 20 {
			t.Fatalf("member %d: wrong lengths %+v", n, id)
		}
		if seen[id.IMEI] || seen[id.IMSI] || seen[id.ICCID] {
			t.Fatalf("member %d repeats an identity: %+v", n, id)
		}
		seen[id.IMEI], seen[id.IMSI], seen[id.ICCID] = true, true, true
	}
}

// A fleet's members answer on their own ptys with their own IMEI, share
// one broker, and closing one leaves the others working.
func TestFleet(t *testing.T) {
	f, err := StartFleet(context.Background(), 3, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Sims[0].BrokerAddr != f.Sims[2].BrokerAddr {
		t.Fatalf("brokers differ: %s %s", f.Sims[0].BrokerAddr, f.Sims[2].BrokerAddr)
	}
	f.Sims[1].Close()
	for _, i := range []int{0, 2} {
		if got, want := askIMEI(t, f.Sims[i].DevicePath), IdentityOf(i+1).IMEI; !strings.Contains(got, want) {
			t.Fatalf("member %d answered %q, want its IMEI %s", i+1, got, want)
		}
	}
}

// askIMEI sends AT+GSN on dev and returns what came back up to OK.
func askIMEI(t *testing.T, dev string) string {
	t.Helper()
	p, err := serial.Open(dev, &serial.Mode{BaudRate: 115200})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	// A modem that never answers fails the test rather than hanging it.
	if err := p.SetReadTimeout(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Write([]byte("AT+GSN\r")); err != nil {
		t.Fatal(err)
	}
	var got []byte
	buf := make([]byte, 256)
	for !strings.Contains(string(got), "\r\nOK\r\n") {
		n, err := p.Read(buf)
		if err != nil || n == 0 {
			t.Fatalf("reading %s: %v (got %q)", dev, err, got)
		}
		got = append(got, buf[:n]...)
	}
	return string(got)
}

// Every IMEI and ICCID the simulator gives, on every model, alone or as a
// fleet's member, carries a valid Luhn check digit and is the modem's own:
// AT+GSN, AT+CGSN and ATI all show the same IMEI.
func TestIdentityOnTheWire(t *testing.T) {
	digits := regexp.MustCompile(`\b\d{15,20}\b`)
	for _, model := range []string{"", ModelSIMCom, ModelUblox} {
		for _, member := range []int{0, 1, 7} {
			want := Identity{}.withDefaults()
			if member > 0 {
				want = IdentityOf(member)
			}
			h := newHarness(t, Options{Model: model, Identity: want, Dial: noDial, Seed: 1})
			var imeis []string
			for _, line := range []string{"AT+GSN", "AT+CGSN", "ATI", "AT+QCCID", "AT+CCID", "AT+ICCID"} {
				for _, num := range digits.FindAllString(h.cmd(line), -1) {
					if withLuhn(num[:len(num)-1]) != num {
						t.Errorf("model %q, member %d: %s answered %s, whose check digit is wrong", model, member, line, num)
					}
					switch {
					case len(num) == 15 && num != want.IMEI:
						t.Errorf("model %q, member %d: %s answered IMEI %s, want %s", model, member, line, num, want.IMEI)
					case len(num) == 15:
						imeis = append(imeis, num)
					case num != want.ICCID:
						t.Errorf("model %q, member %d: %s answered ICCID %s, want %s", model, member, line, num, want.ICCID)
					}
				}
			}
			if len(imeis) == 0 {
				t.Errorf("model %q, member %d: no command gave the IMEI", model, member)
			}
		}
	}
}

// StartFleetOn serves member i on the i-th line given, with no device, and
// closing a member closes its line.
func TestFleetOnLines(t *testing.T) {
	var hosts []net.Conn
	var lines []io.ReadWriteCloser
	for range 2 {
		h, m := net.Pipe()
		hosts, lines = append(hosts, h), append(lines, m)
	}
	f, err := StartFleetOn(context.Background(), lines, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, s := range f.Sims {
		if s.DevicePath != "" {
			t.Errorf("member %d has a device %q", i+1, s.DevicePath)
		}
		hosts[i].SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := hosts[i].Write([]byte("AT+GSN\r")); err != nil {
			t.Fatal(err)
		}
		var got []byte
		buf := make([]byte, 256)
		for !strings.Contains(string(got), "\r\nOK\r\n") {
			n, err := hosts[i].Read(buf)
			if err != nil {
				t.Fatalf("member %d: %v (got %q)", i+1, err, got)
			}
			got = append(got, buf[:n]...)
		}
		if want := IdentityOf(i + 1).IMEI; !strings.Contains(string(got), want) {
			t.Errorf("member %d answered %q, want its IMEI %s", i+1, got, want)
		}
	}
	f.Sims[1].Close()
	if _, err := hosts[1].Write([]byte("AT\r")); err == nil {
		t.Error("a closed member's line still takes writes")
	}
}

// A fleet that cannot start closes the lines it was given: nothing waits
// on the other ends.
func TestFleetOnLinesClosedWhenItCannotStart(t *testing.T) {
	var hosts []net.Conn
	var lines []io.ReadWriteCloser
	for range 3 {
		h, m := net.Pipe()
		hosts, lines = append(hosts, h), append(lines, m)
	}
	if _, err := StartFleetOn(context.Background(), lines, Options{Model: "no-such-model"}); err == nil {
		t.Fatal("a fleet of an unknown model started")
	}
	for i, h := range hosts {
		h.SetDeadline(time.Now().Add(5 * time.Second)) // an open line would block until then
		if _, err := h.Write([]byte("AT\r")); !errors.Is(err, io.ErrClosedPipe) {
			t.Errorf("line %d: write %v, want it closed", i+1, err)
		}
	}
}
