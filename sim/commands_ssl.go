package sim

import (
	"fmt"
	"strings"
)

var sslCommands = map[string]handler{
	"+QSSLCFG": cmdQSSLCFG,
}

// sslOption is one AT+QSSLCFG sub-command: set parses the values after the
// context id, show renders them for the query answer.
type sslOption struct {
	set  func(sc *sslContext, c *command) bool
	show func(sc *sslContext) string
}

var sslOptions = map[string]sslOption{
	"sslversion":      intOption(0, 4, func(sc *sslContext) *int { return &sc.sslversion }),
	"seclevel":        intOption(0, 2, func(sc *sslContext) *int { return &sc.seclevel }),
	"ignorelocaltime": intOption(0, 1, func(sc *sslContext) *int { return &sc.ignoreLocalTime }),
	"negotiatetime":   intOption(10, 300, func(sc *sslContext) *int { return &sc.negotiateTime }),
	"sni":             intOption(0, 1, func(sc *sslContext) *int { return &sc.sni }),
	"cacert":          fileOption(func(sc *sslContext) *string { return &sc.cacert }),
	"clientcert":      fileOption(func(sc *sslContext) *string { return &sc.clientcert }),
	"ciphersuite":     {set: setCipher, show: func(sc *sslContext) string { return fmt.Sprintf("0X%04X", sc.cipher) }},
	"clientkey":       {set: setClientKey, show: func(sc *sslContext) string { return quote(sc.clientkey) }},
}

// sslExtras are sub-commands of the EC2x test list that the simulator
// stores and echoes without acting on them.
var sslExtras = []string{"dtls", "dtlsversion", "cacertex", "psk", "closetimemode", "session_cache",
	"alpn", "renegotiation", "ignoremulticertchainverify", "ignoreinvalidcertsign"}

// sslTestLines is the AT+QSSLCFG=? answer (as an EG25-G prints it).
var sslTestLines = []string{
	`+QSSLCFG: "sslversion",(0-5),(0-4)`,
	`+QSSLCFG: "dtls",(0-5),(0,1)`,
	`+QSSLCFG: "dtlsversion",(0-5),(0,1)`,
	`+QSSLCFG: "ciphersuite",(0-5),(0X0035,0X002F,0X0005,0X0004,0X000A,0X003D,0XC002,0XC003,0XC004,0XC005, 0XC007,0XC008,0XC009,0XC00A,0XC011,0XC012,0XC013,0XC014,0XC00C,0XC00D,0XC00E,0XC00F,0XC023,0XC024,0XC025,0XC026,0XC027,0XC028,0XC029,0XC02A,0XC02F,0XC030,0XFFFF)`,
	`+QSSLCFG: "cacert",(0-5),<cacertpath>`,
	`+QSSLCFG: "cacertex",(0-5),<cacertexpath>`,
	`+QSSLCFG: "clientcert",(0-5),<client_cert_path>`,
	`+QSSLCFG: "clientkey",(0-5),<client_key_path>,<key_pwd>`,
	`+QSSLCFG: "seclevel",(0-5),(0-2)`,
	`+QSSLCFG: "ignorelocaltime",(0-5),(0,1)`,
	`+QSSLCFG: "negotiatetime",(0-5),(10-300)`,
	`+QSSLCFG: "sni",(0-5),(0,1)`,
	`+QSSLCFG: "psk",(0-5),<identity>,<key>`,
	`+QSSLCFG: "closetimemode",(0-5),(0,1)`,
	`+QSSLCFG: "session_cache",(0-5),(0,1)`,
	`+QSSLCFG: "alpn",(0-5),<protocolname>`,
	`+QSSLCFG: "renegotiation",(0-5),(0,1)`,
	`+QSSLCFG: "ignoremulticertchainverify",(0-5),(0,1)`,
	`+QSSLCFG: "ignoreinvalidcertsign",(0-5),(0,1)`,
}

// cmdQSSLCFG is AT+QSSLCFG="<name>",<ctx>[,<value>...]: with values it
// sets, without it answers +QSSLCFG: "<name>",<ctx>,<value>.
func cmdQSSLCFG(m *Modem, c *command) result {
	if c.form == formTest {
		for _, l := range sslTestLines {
			m.info(l)
		}
		return okResult
	}
	name, ok1 := c.nameArg()
	id, ok2 := c.intArg(1, 0, numSSL-1)
	if c.form != formWrite || !ok1 || !ok2 {
		return errorResult
	}
	sc := &m.st.ssl[id]
	if opt, known := sslOptions[name]; known {
		return applySSL(m, c, name, id, sc, opt)
	}
	if contains(sslExtras, name) {
		return applyExtra(m, c, name, id, sc)
	}
	return errorResult
}

func applySSL(m *Modem, c *command, name string, id int, sc *sslContext, opt sslOption) result {
	if c.argc() == 2 {
		m.info(fmt.Sprintf(`+QSSLCFG: "%s",%d,%s`, name, id, opt.show(sc)))
		return okResult
	}
	if !opt.set(sc, c) {
		return errorResult
	}
	return okResult
}

func applyExtra(m *Modem, c *command, name string, id int, sc *sslContext) result {
	if c.argc() == 2 {
		m.info(fmt.Sprintf(`+QSSLCFG: "%s",%d,%s`, name, id, sc.extra[name]))
		return okResult
	}
	vals := make([]string, 0, c.argc()-2)
	for _, p := range c.args[2:] {
		if p.quoted {
			vals = append(vals, quote(p.text))
		} else {
			vals = append(vals, p.text)
		}
	}
	if sc.extra == nil {
		sc.extra = map[string]string{}
	}
	sc.extra[name] = strings.Join(vals, ",")
	return okResult
}

func intOption(lo, hi int, field func(*sslContext) *int) sslOption {
	return sslOption{
		set: func(sc *sslContext, c *command) bool {
			v, ok := c.intArg(2, lo, hi)
			if ok && c.argc() == 3 {
				*field(sc) = v
			}
			return ok && c.argc() == 3
		},
		show: func(sc *sslContext) string { return fmt.Sprint(*field(sc)) },
	}
}

// fileOption takes a quoted file name. Whether the file exists is checked
// at the handshake, not here.
func fileOption(field func(*sslContext) *string) sslOption {
	return sslOption{
		set: func(sc *sslContext, c *command) bool {
			v, ok := c.strArg(2)
			if ok && c.argc() == 3 {
				*field(sc) = v
			}
			return ok && c.argc() == 3
		},
		show: func(sc *sslContext) string { return quote(*field(sc)) },
	}
}

// setCipher takes a bare hex value from the supported list; a quoted one
// is refused, as the modem refuses it.
func setCipher(sc *sslContext, c *command) bool {
	v, ok := c.hexArg(2)
	if !ok || c.argc() != 3 {
		return false
	}
	for _, s := range supportedCiphers {
		if s == v {
			sc.cipher = v
			return true
		}
	}
	return false
}

// setClientKey takes "<file>"[,"<key password>"].
func setClientKey(sc *sslContext, c *command) bool {
	name, ok := c.strArg(2)
	if !ok || c.argc() > 4 {
		return false
	}
	pwd := ""
	if c.argc() == 4 {
		if pwd, ok = c.strArg(3); !ok {
			return false
		}
	}
	sc.clientkey, sc.keyPassword = name, pwd
	return true
}

func quote(s string) string { return `"` + s + `"` }
