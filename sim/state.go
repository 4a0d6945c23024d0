package sim

// state is what the modem remembers. Only the modem's loop goroutine
// touches it.
type state struct {
	echo    bool
	verbose bool
	cmee    int
	sregs   map[int]int

	cfun     int
	sim      simState
	stat     int    // registration <stat>, shared by CREG/CGREG/CEREG
	regN     [3]int // URC mode n of CREG, CGREG, CEREG
	detached bool   // host asked AT+CGATT=0
	pdp      map[int]*pdpContext

	urcPort string            // AT+QURCCFG="urcport"; persists across reboots
	ipr     int               // AT+IPR; saved
	qcfg    map[string]string // AT+QCFG values written; saved

	ssl  [numSSL]sslContext
	mcfg [numClients]mqttConfig
}

type simState int

const (
	simReady simState = iota
	simPIN
	simAbsent
)

// pdpContext is one PDP context (AT+CGDCONT / AT+QICSGP / AT+QIACT).
type pdpContext struct {
	typ    string // "IP", "IPV6", "IPV4V6"
	apn    string
	user   string
	pass   string
	auth   int
	active bool
	addr   string
}

const (
	numSSL     = 6
	numClients = 6
	regCREG    = 0
	regCGREG   = 1
	regCEREG   = 2
)

// newState is the state after the first power-up.
func newState() *state {
	st := &state{urcPort: portUSBAT, ipr: 115200, qcfg: map[string]string{}}
	st.pdp = map[int]*pdpContext{1: {typ: "IP"}}
	st.powerOn()
	return st
}

// powerOn resets everything the module forgets at power-up. Kept across
// reboots, as on the module: the URC port, PDP definitions (saved
// automatically) and UFS files (kept elsewhere).
func (st *state) powerOn() {
	st.echo, st.verbose, st.cmee = true, true, 1
	st.sregs = map[int]int{3: 13, 4: 10, 5: 8}
	st.cfun = 1
	st.stat = 0
	st.regN = [3]int{}
	st.detached = false
	for _, c := range st.pdp {
		c.active, c.addr = false, ""
	}
	for i := range st.ssl {
		st.ssl[i] = defaultSSL()
	}
	for i := range st.mcfg {
		st.mcfg[i] = defaultMQTTConfig()
	}
}

// registered reports stat 1 (home) or 5 (roaming).
func (st *state) registered() bool { return st.stat == 1 || st.stat == 5 }

// attached reports PS attach: LTE attaches when it registers, unless the
// host detached.
func (st *state) attached() bool { return st.registered() && !st.detached }
