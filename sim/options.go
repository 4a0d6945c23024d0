package sim

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"time"
)

// Options configure a simulator. The zero value is a healthy EC20 on the USB
// AT port, with an embedded broker when used through Start.
type Options struct {
	// Model picks the virtual modem: "ec20" (default, Quectel EC20),
	// "simcom" (SIMCom A7670E, CMQTT) or "ublox" (u-blox SARA-R5, UMQTT).
	Model string

	// Faults to switch on; see ParseFaults.
	Faults Faults

	// Broker selects the broker Start runs or uses (embedded by default).
	Broker BrokerOptions

	// Dir receives the embedded broker's CA file (ca.pem); give each
	// simulator its own. Empty: a temporary directory that Close removes.
	Dir string

	// Link, if set, is a symlink Start creates to the pseudo-terminal (like
	// socat's link=), removed by Close.
	Link string

	// Line, if set, is the modem's serial line instead of a new
	// pseudo-terminal: a connection whose other end the host holds (the
	// in-memory pipes of a run atrun-sim hosts, StartFleetOn). DevicePath
	// is then empty and Link is not made; Close closes Line.
	Line io.ReadWriteCloser

	// Port is which modem port the simulated line is: "usbat" (default),
	// "usbmodem", "uart1" or "uart2". URCs reach the line only when
	// AT+QURCCFG="urcport" names this port or "all", as on the real module.
	Port string

	// Clock drives every simulated delay; nil means the wall clock.
	Clock Clock

	// Seed makes the random choices (boot URC order, line noise, PDP
	// addresses) repeatable; 0 picks a different seed every run.
	Seed int64

	// Dial opens the modem's connections (AT+QMTOPEN, sockets, DNS, NTP);
	// nil means net.Dialer. Tests use it to keep fuzzing off the network.
	// ICMP cannot go through it: with a Dial of the caller's, AT+QPING's
	// echo replies are made up instead of sent.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)

	// RebootTime is how long the modem stays deaf after AT+CFUN=1,1 before
	// it sends RDY again (default 0: at once).
	RebootTime time.Duration

	// Identity is the IMEI, ICCID and IMSI the modem reports; the zero
	// value is the single simulator's (see IdentityOf for a fleet's).
	Identity Identity

	// Revision is the firmware string of ATI / AT+GMR.
	Revision string

	// Signal is the RSSI of AT+CSQ while the radio is on (default 24).
	Signal int

	// Operator is the network name of AT+COPS? (default "atrun").
	Operator string

	// Log, if set, receives one line for each command the modem does not
	// implement (answered ERROR as the real modem answers an unknown
	// command) and each message it drops; with Verbose, also every command
	// line and every network event (SMS, DNS, ping, NTP). It is called from
	// the modem's goroutine and must not block for long.
	Log     func(line string)
	Verbose bool

	realNetwork bool // Dial is the host's: real ICMP may be sent

	// tlsSessions is where the modem's TLS client keeps sessions to
	// resume; a fleet's members share one (see newSessionCache).
	tlsSessions tls.ClientSessionCache

	// Reply, if set, is what the broker sends back when the modem first
	// publishes: one message on each topic the modem subscribed to (not
	// wildcard filters), QoS 1, so a script that publishes and then waits
	// for a downlink gets one at once. Used through Start.
	Reply string
}

// BrokerOptions pick the broker. With URL empty an embedded broker is
// started; otherwise URL (mqtts://host:port) names an external one, CAFile
// is its CA certificate (PEM) and Username/Password its credentials.
type BrokerOptions struct {
	URL      string
	CAFile   string
	Username string
	Password string
	// RequireClientCert makes the embedded broker demand a client
	// certificate (for AT+QSSLCFG="seclevel",<ctx>,2).
	RequireClientCert bool
}

const (
	defaultRevision = "EC20CEFAGR06A15M4G"
	defaultSignal   = 24
	defaultOperator = "atrun"
	portUSBAT       = "usbat"
)

func (o Options) withDefaults() Options {
	if o.Clock == nil {
		o.Clock = RealClock{}
	}
	if o.Dial == nil {
		o.realNetwork = true
		o.Dial = (&net.Dialer{}).DialContext
	}
	if o.Port == "" {
		o.Port = portUSBAT
	}
	o.Identity = o.Identity.withDefaults()
	if o.Revision == "" {
		o.Revision = modelOf(o.Model).revision
	}
	if o.Signal == 0 {
		o.Signal = defaultSignal
	}
	if o.Operator == "" {
		o.Operator = defaultOperator
	}
	if o.Seed == 0 {
		o.Seed = time.Now().UnixNano()
	}
	if o.tlsSessions == nil {
		o.tlsSessions = newSessionCache()
	}
	return o
}
