package sim

import (
	"crypto/md5"
	"crypto/tls"
	"encoding/hex"
	"fmt"
)

// The virtual u-blox SARA-R5: the security manager (AT+USECMNG), security
// profiles (AT+USECPRF) and the MQTT client (AT+UMQTT, AT+UMQTTC,
// AT+UMQTTER) of the SARA-R5 AT commands manual, over the shared 3GPP
// commands (docs/at-reference/ublox.md). The identity strings follow the
// manual's ATI example; the revision is made up in its pattern.
const (
	ubloxManufacturer = "u-blox"
	ubloxModelName    = "SARA-R510M8S"
	ubloxRevision     = "03.15"
	ubloxMaxCert      = 8192
	ubloxProfiles     = 5
)

var ubloxModel = &modelSpec{
	title:    "u-blox SARA-R5",
	revision: ubloxRevision,
	handlers: withModelCommands(ubloxCommands, ubloxMQTTCommands),
	// The SARA-R5 says nothing at power-up unless told to (AT+CSGT,
	// +UUSTART are not configured here); the SIM state is read with
	// AT+CPIN?.
	bootURCs: func(m *Modem) {},
	simURCs:  func(m *Modem) {},
}

var ubloxCommands = map[string]handler{
	"I":        ubloxATI,
	"+GMI":     fixedInfo(ubloxManufacturer),
	"+CGMI":    fixedInfo(ubloxManufacturer),
	"+GMM":     fixedInfo(ubloxModelName),
	"+CGMM":    fixedInfo(ubloxModelName),
	"+USECMNG": cmdUSECMNG,
	"+USECPRF": cmdUSECPRF,
}

// ubloxATI answers ATI (the identity block) and ATI9 (the revision).
func ubloxATI(m *Modem, c *command) result {
	switch c.num {
	case 0:
		m.info("Manufacturer: " + ubloxManufacturer)
		m.info("Model: " + ubloxModelName)
		m.info("Revision: " + m.opts.Revision)
		m.info("SVN: 01")
		m.info("IMEI: " + m.opts.Identity.IMEI)
	case 9:
		m.info(m.opts.Revision + ",A00.01")
	default:
		return errorResult
	}
	return okResult
}

// ubloxState is the u-blox command sets' state. Certificates live in the
// module's flash and survive a reboot; the rest is volatile.
type ubloxState struct {
	certs [3]map[string][]byte // by type: 0 CA, 1 client certificate, 2 client key
	prf   [ubloxProfiles]ubloxProfile
	mqtt  ubloxMQTT
}

// ubloxProfile is one AT+USECPRF security profile.
type ubloxProfile struct {
	level      int // 0 none, 1 root CA, 2 + server name, 3 + validity dates
	version    int // 0 any, 1 TLS1.0, 2 TLS1.1, 3 TLS1.2, 4 TLS1.3
	ca         string
	hostname   string
	clientCert string
	clientKey  string
	sni        string
}

func (m *Modem) ub() *ubloxState {
	if m.ublox == nil {
		m.ublox = &ubloxState{}
		for i := range m.ublox.certs {
			m.ublox.certs[i] = map[string][]byte{}
		}
		m.ublox.mqtt = defaultUbloxMQTT()
	}
	return m.ublox
}

// reset closes the MQTT link and forgets the volatile settings.
func (s *ubloxState) reset(m *Modem) {
	s.mqtt.link.teardown(m)
	s.mqtt = defaultUbloxMQTT()
	s.prf = [ubloxProfiles]ubloxProfile{}
}

// cmdUSECMNG is the security manager:
//
//	AT+USECMNG=0,<type>,"<name>",<len>  ">" prompt, len bytes, then
//	                                    +USECMNG: 0,<type>,"<name>","<md5>"
//	AT+USECMNG=2,<type>,"<name>"        delete
//	AT+USECMNG=3[,<type>]               list: +USECMNG: <type>,"<name>"
//	AT+USECMNG=4,<type>,"<name>"        +USECMNG: 4,<type>,"<name>","<md5>"
func cmdUSECMNG(m *Modem, c *command) result {
	if c.form == formTest {
		return okResult
	}
	op, ok := c.intArg(0, 0, 4)
	if c.form != formWrite || !ok {
		return errorResult
	}
	s := m.ub()
	if op == 3 {
		for typ, names := range s.certs {
			for name := range names {
				m.info(fmt.Sprintf(`+USECMNG: %d,"%s"`, typ, name))
			}
		}
		return okResult
	}
	typ, ok1 := c.intArg(1, 0, 2)
	name, ok2 := c.strArg(2)
	if !ok1 || !ok2 || name == "" || len(name) > 200 {
		return errorResult
	}
	switch op {
	case 0:
		n, ok := c.intArg(3, 1, ubloxMaxCert)
		if !ok || c.argc() != 4 {
			return errorResult
		}
		return m.startFamPrompt(n, func(m *Modem, b []byte) result {
			s.certs[typ][name] = append([]byte(nil), b...)
			m.info(fmt.Sprintf(`+USECMNG: 0,%d,"%s","%s"`, typ, name, md5Hex(b)))
			return okResult
		})
	case 2, 4:
		data, found := s.certs[typ][name]
		if !found || c.argc() != 3 {
			return cme(4) // operation not supported: no such item
		}
		if op == 2 {
			delete(s.certs[typ], name)
		} else {
			m.info(fmt.Sprintf(`+USECMNG: 4,%d,"%s","%s"`, typ, name, md5Hex(data)))
		}
		return okResult
	}
	return errorResult
}

func md5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

// cmdUSECPRF sets one item of a security profile:
// AT+USECPRF=<prf>[,<op>[,<value>]]; AT+USECPRF=<prf> resets it.
func cmdUSECPRF(m *Modem, c *command) result {
	if c.form != formWrite {
		return okTest(c)
	}
	id, ok := c.intArg(0, 0, ubloxProfiles-1)
	if !ok {
		return errorResult
	}
	p := &m.ub().prf[id]
	if c.argc() == 1 {
		*p = ubloxProfile{}
		return okResult
	}
	op, ok1 := c.intArg(1, 0, 12)
	if !ok1 || c.argc() != 3 {
		return errorResult
	}
	var ok2 bool
	switch op {
	case 0:
		p.level, ok2 = c.intArg(2, 0, 3)
	case 1:
		p.version, ok2 = c.intArg(2, 0, 4)
	case 2:
		_, ok2 = c.intArg(2, 0, 0xFFFF) // cipher suite
	case 3:
		p.ca, ok2 = c.strArg(2)
	case 4:
		p.hostname, ok2 = c.strArg(2)
	case 5:
		p.clientCert, ok2 = c.strArg(2)
	case 6:
		p.clientKey, ok2 = c.strArg(2)
	case 10:
		p.sni, ok2 = c.strArg(2)
	default:
		ok2 = true // items kept as given: PSK, password, session resumption
	}
	if !ok2 {
		return errorResult
	}
	return okResult
}

// ubloxTLSVersions maps the profile's TLS version to the versions offered.
var ubloxTLSVersions = [5][2]uint16{
	{tls.VersionTLS10, tls.VersionTLS13},
	{tls.VersionTLS10, tls.VersionTLS10},
	{tls.VersionTLS11, tls.VersionTLS11},
	{tls.VersionTLS12, tls.VersionTLS12},
	{tls.VersionTLS13, tls.VersionTLS13},
}

// tlsFor builds the TLS client of profile id for host; ok is false when
// a certificate the profile names is missing.
func (s *ubloxState) tlsFor(m *Modem, id int, host string) (*tls.Config, bool) {
	p := s.prf[id]
	v := ubloxTLSVersions[p.version]
	name := host
	if p.level >= 2 && p.hostname != "" {
		name = p.hostname
	}
	params := famTLSParams{minVersion: v[0], maxVersion: v[1], host: name, verify: p.level >= 1}
	if p.sni != "" {
		params.sni, params.host = true, p.sni
	}
	if params.verify {
		ca, found := s.certs[0][p.ca]
		if !found {
			return nil, false
		}
		params.ca = ca
	}
	if p.clientCert != "" {
		cert, ok1 := s.certs[1][p.clientCert]
		key, ok2 := s.certs[2][p.clientKey]
		if !ok1 || !ok2 {
			return nil, false
		}
		params.clientCert, params.clientKey = cert, key
	}
	cfg, err := m.famTLS(params)
	if err != nil {
		return nil, false
	}
	return cfg, true
}
