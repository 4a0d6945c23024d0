package sim

import (
	"fmt"
	"sort"
	"strings"
)

var pdpCommands = map[string]handler{
	"+CGDCONT": cmdCGDCONT,
	"+QICSGP":  cmdQICSGP,
	"+QIACT":   cmdQIACT,
	"+QIDEACT": cmdQIDEACT,
	"+CGPADDR": cmdCGPADDR,
}

var pdpTypes = map[string]int{"IP": 1, "IPV6": 2, "IPV4V6": 3}

func cmdCGDCONT(m *Modem, c *command) result {
	switch c.form {
	case formRead:
		for _, cid := range m.cids() {
			p := m.st.pdp[cid]
			m.info(fmt.Sprintf(`+CGDCONT: %d,"%s","%s","0.0.0.0",0,0,0,0`, cid, p.typ, p.apn))
		}
	case formTest:
		m.info(`+CGDCONT: (1-16),"IP",,,(0-2),(0-4),(0-1),(0-1)`)
		m.info(`+CGDCONT: (1-16),"IPV6",,,(0-2),(0-4),(0-1),(0-1)`)
		m.info(`+CGDCONT: (1-16),"IPV4V6",,,(0-2),(0-4),(0-1),(0-1)`)
	case formWrite:
		return m.defineContext(c)
	default:
		return errorResult
	}
	return okResult
}

// defineContext is AT+CGDCONT=<cid>[,"<type>"[,"<apn>",...]]; a lone cid
// undefines the context.
func (m *Modem) defineContext(c *command) result {
	cid, ok := c.intArg(0, 1, 16)
	if !ok {
		return errorResult
	}
	if c.argc() == 1 {
		delete(m.st.pdp, cid)
		return okResult
	}
	typ, ok := c.strArg(1)
	typ = strings.ToUpper(typ)
	if _, known := pdpTypes[typ]; !ok || !known {
		return errorResult
	}
	apn := ""
	if c.has(2) {
		if apn, ok = c.strArg(2); !ok {
			return errorResult
		}
	}
	p := m.context(cid)
	p.typ, p.apn = typ, apn
	return okResult
}

// context returns PDP context cid, defining it when needed.
func (m *Modem) context(cid int) *pdpContext {
	p := m.st.pdp[cid]
	if p == nil {
		p = &pdpContext{typ: "IP"}
		m.st.pdp[cid] = p
	}
	return p
}

func (m *Modem) cids() []int {
	cids := make([]int, 0, len(m.st.pdp))
	for cid := range m.st.pdp {
		cids = append(cids, cid)
	}
	sort.Ints(cids)
	return cids
}

func cmdQICSGP(m *Modem, c *command) result {
	switch c.form {
	case formTest:
		m.info(`+QICSGP: (1-16),(1-3),"APN","USERNAME","PASSWORD",(0-3)`)
		return okResult
	case formWrite:
	default:
		return errorResult
	}
	cid, ok := c.intArg(0, 1, 16)
	if !ok {
		return errorResult
	}
	if c.argc() == 1 {
		p := m.context(cid)
		m.info(fmt.Sprintf(`+QICSGP: %d,"%s","%s","%s",%d`, pdpTypes[p.typ], p.apn, p.user, p.pass, p.auth))
		return okResult
	}
	return m.setQICSGP(cid, c)
}

// setQICSGP is AT+QICSGP=<cid>,<type>,"<apn>"[,"<user>","<pwd>"[,<auth>]].
func (m *Modem) setQICSGP(cid int, c *command) result {
	typ, ok1 := c.intArg(1, 1, 3)
	apn, ok2 := c.strArg(2)
	auth, ok3 := c.optInt(5, 0, 3, 0)
	if !ok1 || !ok2 || !ok3 || c.argc() > 6 {
		return errorResult
	}
	user, pass := "", ""
	if c.has(3) || c.has(4) {
		var okU, okP bool
		user, okU = c.strArg(3)
		pass, okP = c.strArg(4)
		if !okU || !okP {
			return errorResult
		}
	}
	p := m.context(cid)
	for name, n := range pdpTypes {
		if n == typ {
			p.typ = name
		}
	}
	p.apn, p.user, p.pass, p.auth = apn, user, pass, auth
	return okResult
}

func cmdQIACT(m *Modem, c *command) result {
	switch c.form {
	case formRead:
		for _, cid := range m.cids() {
			if p := m.st.pdp[cid]; p.active {
				m.info(fmt.Sprintf(`+QIACT: %d,1,%d,"%s"`, cid, pdpTypes[p.typ], p.addr))
			}
		}
	case formTest:
		m.info("+QIACT: (1-16)")
	case formWrite:
		cid, ok := c.intArg(0, 1, 16)
		if !ok || c.argc() > 1 {
			return errorResult
		}
		if p := m.st.pdp[cid]; p != nil && p.active {
			return errorResult // already active: plain ERROR, as captured
		}
		return m.awaitRegistration(activateLimit, func() result {
			switch {
			case !m.st.attached():
				return cme(30) // no network service
			case !m.activate(cid):
				return cme(561) // pdp-failure: open PDP context failed
			}
			return okResult
		})
	default:
		return errorResult
	}
	return okResult
}

func cmdQIDEACT(m *Modem, c *command) result {
	if c.form != formWrite {
		return okTest(c)
	}
	cid, ok := c.intArg(0, 1, 16)
	if !ok {
		return errorResult
	}
	if p := m.st.pdp[cid]; p != nil {
		p.active = false
	}
	return okResult
}

func cmdCGPADDR(m *Modem, c *command) result {
	switch c.form {
	case formTest:
		ids := make([]string, 0, len(m.st.pdp))
		for _, cid := range m.cids() {
			ids = append(ids, fmt.Sprint(cid))
		}
		m.info("+CGPADDR: (" + strings.Join(ids, ",") + ")")
	case formExec:
		for _, cid := range m.cids() {
			m.info(m.addrLine(cid))
		}
	case formWrite:
		cid, ok := c.intArg(0, 1, 16)
		if !ok || m.st.pdp[cid] == nil {
			return errorResult
		}
		m.info(m.addrLine(cid))
	default:
		return errorResult
	}
	return okResult
}

// addrLine is "+CGPADDR: <cid>,"<addr>"", without the address field when
// the context has none.
func (m *Modem) addrLine(cid int) string {
	if a := m.addrOf(cid); a != "" {
		return fmt.Sprintf(`+CGPADDR: %d,"%s"`, cid, a)
	}
	return fmt.Sprintf("+CGPADDR: %d", cid)
}

// addrOf returns the context's address: the activated one, or for context 1
// the LTE default bearer's while attached.
func (m *Modem) addrOf(cid int) string {
	p := m.st.pdp[cid]
	switch {
	case p == nil:
		return ""
	case p.addr != "":
		return p.addr
	case cid == 1 && m.st.attached():
		p.addr = fmt.Sprintf("10.64.1.%d", 10+m.rng.Intn(240))
		return p.addr
	}
	return ""
}
