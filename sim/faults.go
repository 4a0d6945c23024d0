package sim

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Faults switches on failure behaviours by name. The zero value is a healthy
// modem on a healthy network. Each fault shows on the wire the way the real
// modem shows the matching real-world failure.
type Faults struct {
	// NoSIM: no SIM card. Boot shows "+CPIN: NOT READY", AT+CPIN? answers
	// "+CME ERROR: 10", the modem never registers.
	NoSIM bool
	// SIMPIN locks the SIM with this PIN: "+CPIN: SIM PIN" until AT+CPIN=<pin>.
	SIMPIN string
	// NoSignal: "+CSQ: 99,99" and registration stays at 2 (searching).
	NoSignal bool
	// SlowRegistration keeps registration at stat 2 for this long after the
	// radio comes up, then stat 1.
	SlowRegistration time.Duration
	// RegistrationDenied: stat 3 on +CREG/+CGREG/+CEREG.
	RegistrationDenied bool
	// BadCredentials: the modem sends a wrong password on AT+QMTCONN, so the
	// broker refuses the CONNECT (+QMTCONN: <id>,0,4 with the embedded broker).
	BadCredentials bool
	// ServerDown: AT+QMTOPEN dials a closed port instead of the one given,
	// so the TCP connect is refused (+QMTOPEN: <id>,-1); so do AT+QIOPEN
	// and AT+QSSLOPEN (+QIOPEN: <id>,566) and HTTP requests
	// (+QHTTPGET: 716).
	ServerDown bool
	// TLSFailure: on a TLS link the modem verifies the server against a CA
	// that is not the broker's, whatever seclevel and cacert say, so the
	// handshake fails (+QMTOPEN: <id>,-1, +QSSLOPEN: <id>,566,
	// +QHTTPGET: 716 for HTTPS).
	TLSFailure bool
	// DropConnection cuts the TCP link this long after the MQTT session came
	// up (+QMTCONN: <id>,0,0), giving "+QMTSTAT: <id>,1"; a socket this long
	// after it opened (+QIURC: "closed",<id>); an HTTP request's connection
	// right after the request went out (+QHTTPGET: 717).
	DropConnection time.Duration
	// URCStorm emits a harmless URC (+QIND: "csq",.. / +CREG: .. / +CGREG: ..
	// / +CEREG: ..) every URCStorm while the modem is idle.
	URCStorm time.Duration
	// LineNoise inserts 1 to 3 junk bytes (never CR, LF, '>', '+', Ctrl+Z or
	// ESC) at line boundaries only: before an unsolicited block while idle and
	// between a command's echo and its response. Never inside a line, never
	// between a response's lines, never after a prompt or in data mode.
	LineNoise bool
	// SlowLine paces output at this baud rate (10 bits per byte).
	SlowLine int
	// Silent: the modem sends its boot URCs, then never answers again.
	Silent bool
	// Split writes output one byte per write.
	Split bool
	// PDPFailure: no PDP context can be activated. AT+QIACT=<cid> answers
	// "+CME ERROR: 561" (open PDP context failed, the code the reference's
	// TCP/IP table gives for it) and AT+QMTOPEN answers OK
	// then "+QMTOPEN: <id>,3" (failed to activate PDP).
	PDPFailure bool
	// PublishFail: every AT+QMTPUB / AT+QMTPUBEX is taken (prompt, payload,
	// OK) but nothing is sent; the result URC is "+QMTPUB: <id>,<msgid>,2"
	// ("+QMTPUBEX:" after AT+QMTPUBEX), failed to send.
	PublishFail bool
	// SMSRejected: the network refuses every message the modem sends:
	// AT+CMGS and AT+CMSS take the text, then answer "+CMS ERROR: 500"
	// (unknown error, what modems report for a refusal the network gives
	// no cause for) and nothing reaches the network.
	SMSRejected bool
	// UploadCorrupt: every AT+QFUPL upload is stored with one byte changed,
	// as a noisy line would change it: the middle byte (index size/2) has
	// its lowest bit flipped. "+QFUPL: <size>,<checksum>" reports the stored
	// bytes, so the size is the one sent and the checksum differs from the
	// checksum of what the host sent.
	UploadCorrupt bool
	// DeleteFails: the first AT+QFDEL that matches an existing file answers
	// "+CME ERROR: 418" (fail to delete the file) and keeps it; later
	// deletes work. Once per Modem: a reboot does not arm it again.
	DeleteFails bool
	// StaleFile names a file ("RAM:cacert.pem", "UFS:x" or "x") that the
	// modem has at every boot, holding StaleContent, as left by an earlier
	// run. A UFS file of that name that is already there is kept as it is.
	StaleFile string
}

// StaleContent is what the stale-file fault's file holds.
const StaleContent = "old cert\n"

// DefaultURCStorm is the storm interval when "urc-storm" has no value.
const DefaultURCStorm = 100 * time.Millisecond

type faultSpec struct {
	name string
	help string
	set  func(f *Faults, v string) error
	get  func(f *Faults) (on bool, value string)
}

// faultSpecs is the single table behind ParseFaults, String and FaultNames.
var faultSpecs = []faultSpec{
	flag("no-sim", "no SIM card (+CME ERROR: 10)", func(f *Faults) *bool { return &f.NoSIM }),
	{name: "sim-pin", help: "SIM locked with PIN=<pin>",
		set: func(f *Faults, v string) error {
			if v == "" {
				return fmt.Errorf("sim-pin needs a value, e.g. sim-pin=1234")
			}
			f.SIMPIN = v
			return nil
		},
		get: func(f *Faults) (bool, string) { return f.SIMPIN != "", f.SIMPIN }},
	flag("no-signal", "+CSQ: 99,99, never registers", func(f *Faults) *bool { return &f.NoSignal }),
	dur("slow-registration", "registration stat 2 for =<duration>", false, func(f *Faults) *time.Duration { return &f.SlowRegistration }),
	flag("registration-denied", "registration stat 3", func(f *Faults) *bool { return &f.RegistrationDenied }),
	flag("pdp-failure", "PDP context never activates (+CME ERROR: 561 on AT+QIACT, +QMTOPEN: <id>,3)", func(f *Faults) *bool { return &f.PDPFailure }),
	flag("bad-credentials", "wrong MQTT password (+QMTCONN: <id>,0,4)", func(f *Faults) *bool { return &f.BadCredentials }),
	flag("server-down", "AT+QMTOPEN, AT+QIOPEN, AT+QSSLOPEN and HTTP requests hit a closed port (+QMTOPEN: <id>,-1, +QIOPEN: <id>,566, +QHTTPGET: 716)", func(f *Faults) *bool { return &f.ServerDown }),
	flag("tls-failure", "TLS handshake fails (+QMTOPEN: <id>,-1, +QSSLOPEN: <id>,566, +QHTTPGET: 716)", func(f *Faults) *bool { return &f.TLSFailure }),
	dur("drop-connection", "cut the link =<duration> after +QMTCONN (+QMTSTAT: <id>,1) or after a socket opens (+QIURC: \"closed\",<id>); HTTP responses never come (+QHTTPGET: 717)", false, func(f *Faults) *time.Duration { return &f.DropConnection }),
	flag("publish-fail", "publishes taken but never sent (+QMTPUB: <id>,<msgid>,2)", func(f *Faults) *bool { return &f.PublishFail }),
	flag("sms-rejected", "the network refuses every SMS sent (+CMS ERROR: 500 after AT+CMGS/AT+CMSS)", func(f *Faults) *bool { return &f.SMSRejected }),
	dur("urc-storm", "a harmless URC every [=<duration>] (default 100ms)", true, func(f *Faults) *time.Duration { return &f.URCStorm }),
	flag("line-noise", "junk bytes at line boundaries", func(f *Faults) *bool { return &f.LineNoise }),
	{name: "slow-line", help: "output paced at =<baud> (10 bits a byte)",
		set: func(f *Faults, v string) error {
			baud, err := strconv.Atoi(v)
			if err != nil || baud < 10 {
				return fmt.Errorf("slow-line needs a baud rate of at least 10, e.g. slow-line=9600")
			}
			f.SlowLine = baud
			return nil
		},
		get: func(f *Faults) (bool, string) { return f.SlowLine > 0, strconv.Itoa(f.SlowLine) }},
	flag("silent", "stops answering after boot", func(f *Faults) *bool { return &f.Silent }),
	flag("split", "output written one byte per write", func(f *Faults) *bool { return &f.Split }),
	flag("upload-corrupt", "AT+QFUPL stores one byte changed (+QFUPL checksum differs from the data sent)", func(f *Faults) *bool { return &f.UploadCorrupt }),
	flag("delete-fails", "the first AT+QFDEL of an existing file fails (+CME ERROR: 418) and keeps it", func(f *Faults) *bool { return &f.DeleteFails }),
	{name: "stale-file", help: "the modem boots with file =<name> present (a few old bytes)",
		set: func(f *Faults, v string) error {
			_, base := splitFileName(v)
			if !validName(base) || strings.Contains(v, ",") {
				return fmt.Errorf("stale-file needs a file name, e.g. stale-file=RAM:cacert.pem")
			}
			f.StaleFile = v
			return nil
		},
		get: func(f *Faults) (bool, string) { return f.StaleFile != "", f.StaleFile }},
}

func flag(name, help string, field func(*Faults) *bool) faultSpec {
	return faultSpec{name: name, help: help,
		set: func(f *Faults, v string) error {
			if v != "" {
				b, err := strconv.ParseBool(v)
				if err != nil {
					return fmt.Errorf("%s takes no value (or true/false), got %q", name, v)
				}
				*field(f) = b
				return nil
			}
			*field(f) = true
			return nil
		},
		get: func(f *Faults) (bool, string) { return *field(f), "" }}
}

func dur(name, help string, optional bool, field func(*Faults) *time.Duration) faultSpec {
	return faultSpec{name: name, help: help,
		set: func(f *Faults, v string) error {
			if v == "" && optional {
				*field(f) = DefaultURCStorm
				return nil
			}
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return fmt.Errorf("%s needs a positive duration, e.g. %s=2s", name, name)
			}
			*field(f) = d
			return nil
		},
		get: func(f *Faults) (bool, string) { d := *field(f); return d > 0, d.String() }}
}

// ParseFaults reads a comma-separated fault list such as
// "no-sim,slow-registration=3s,drop-connection=2s". Names are
// case-insensitive; an empty string gives no faults.
func ParseFaults(list string) (Faults, error) {
	var f Faults
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if err := f.Set(item); err != nil {
			return Faults{}, err
		}
	}
	return f, nil
}

// Set switches on one fault given as "name" or "name=value".
func (f *Faults) Set(item string) error {
	name, value, _ := strings.Cut(item, "=")
	name = strings.ToLower(strings.TrimSpace(name))
	for _, s := range faultSpecs {
		if s.name == name {
			return s.set(f, strings.TrimSpace(value))
		}
	}
	return fmt.Errorf("unknown fault %q (known: %s)", name, strings.Join(FaultNames(), ", "))
}

// String renders the faults in the form ParseFaults reads.
func (f Faults) String() string {
	var out []string
	for _, s := range faultSpecs {
		on, v := s.get(&f)
		switch {
		case !on:
		case v == "":
			out = append(out, s.name)
		default:
			out = append(out, s.name+"="+v)
		}
	}
	return strings.Join(out, ",")
}

// FaultNames lists every fault name, sorted.
func FaultNames() []string {
	names := make([]string, len(faultSpecs))
	for i, s := range faultSpecs {
		names[i] = s.name
	}
	sort.Strings(names)
	return names
}

// FaultHelp returns one "name: what it does" line per fault, for --help text.
func FaultHelp() []string {
	lines := make([]string, len(faultSpecs))
	for i, s := range faultSpecs {
		lines[i] = s.name + ": " + s.help
	}
	return lines
}
