package sim

import (
	"fmt"
	"time"
)

// mqttConfig is what AT+QMTCFG sets for one client. It is not kept across
// reboots.
type mqttConfig struct {
	version    int // 3: MQTT 3.1, 4: MQTT 3.1.1
	pdpcid     int
	ssl        bool
	sslCtx     int
	keepalive  int // seconds
	clean      int
	pktTimeout int // seconds
	retries    int
	notice     int
	will       willConfig
	recvMode   int // 0: payload in +QMTRECV, 1: buffered
	recvLen    int // 1: +QMTRECV carries the length
	aliauth    [3]string
}

type willConfig struct {
	flag, qos, retain int
	topic, msg        string
}

func defaultMQTTConfig() mqttConfig {
	return mqttConfig{version: 4, pdpcid: 1, keepalive: 120, clean: 1, pktTimeout: 5, retries: 3}
}

// wait is how long the modem waits for a packet's answer: every retry's
// timeout.
func (c mqttConfig) wait() time.Duration {
	return time.Duration(c.pktTimeout*(c.retries+1)) * time.Second
}

// mqttOption is one AT+QMTCFG sub-command: set parses the values after the
// client index, show renders them (the query answer lists values only).
type mqttOption struct {
	set  func(cfg *mqttConfig, c *command) bool
	show func(cfg *mqttConfig) string
}

var mqttOptions = map[string]mqttOption{
	"version": {
		set: func(cfg *mqttConfig, c *command) bool {
			v, ok := c.intArg(2, 3, 4)
			return assign(ok && c.argc() == 3, &cfg.version, v)
		},
		show: func(cfg *mqttConfig) string { return fmt.Sprint(cfg.version) }},
	"pdpcid": {
		set: func(cfg *mqttConfig, c *command) bool {
			v, ok := c.intArg(2, 1, 16)
			return assign(ok && c.argc() == 3, &cfg.pdpcid, v)
		},
		show: func(cfg *mqttConfig) string { return fmt.Sprint(cfg.pdpcid) }},
	"keepalive": {
		set: func(cfg *mqttConfig, c *command) bool {
			v, ok := c.intArg(2, 0, 3600)
			return assign(ok && c.argc() == 3, &cfg.keepalive, v)
		},
		show: func(cfg *mqttConfig) string { return fmt.Sprint(cfg.keepalive) }},
	"session": {
		set: func(cfg *mqttConfig, c *command) bool {
			v, ok := c.intArg(2, 0, 1)
			return assign(ok && c.argc() == 3, &cfg.clean, v)
		},
		show: func(cfg *mqttConfig) string { return fmt.Sprint(cfg.clean) }},
	"ssl":       {set: setMQTTSSL, show: showMQTTSSL},
	"timeout":   {set: setMQTTTimeout, show: func(cfg *mqttConfig) string { return fmt.Sprintf("%d,%d,%d", cfg.pktTimeout, cfg.retries, cfg.notice) }},
	"will":      {set: setMQTTWill, show: showMQTTWill},
	"recv/mode": {set: setRecvMode, show: func(cfg *mqttConfig) string { return fmt.Sprintf("%d,%d", cfg.recvMode, cfg.recvLen) }},
	"aliauth": {set: setAliauth, show: func(cfg *mqttConfig) string {
		return fmt.Sprintf(`"%s","%s","%s"`, cfg.aliauth[0], cfg.aliauth[1], cfg.aliauth[2])
	}},
}

// mqttTestLines is the AT+QMTCFG=? answer.
var mqttTestLines = []string{
	`+QMTCFG: "version",(0-5),(3,4)`,
	`+QMTCFG: "pdpcid",(0-5),(1-16)`,
	`+QMTCFG: "ssl",(0-5),(0,1),(0-5)`,
	`+QMTCFG: "keepalive",(0-5),(0-3600)`,
	`+QMTCFG: "session",(0-5),(0,1)`,
	`+QMTCFG: "timeout",(0-5),(1-60),(0-10),(0,1)`,
	`+QMTCFG: "will",(0-5),(0,1),(0-2),(0,1),"will_topic","will_msg"`,
	`+QMTCFG: "recv/mode",(0-5),(0,1),(0,1)`,
	`+QMTCFG: "aliauth",(0-5),"product_key","device_name","device_secret"`,
}

// cmdQMTCFG is AT+QMTCFG="<name>",<idx>[,<values>]. Names match in any
// case ("SSL" works, as Quectel's own drivers send it).
func cmdQMTCFG(m *Modem, c *command) result {
	if c.form == formTest {
		for _, l := range mqttTestLines {
			m.info(l)
		}
		return okResult
	}
	name, ok1 := c.nameArg()
	idx, ok2 := c.intArg(1, 0, numClients-1)
	opt, known := mqttOptions[name]
	if c.form != formWrite || !ok1 || !ok2 || !known {
		return errorResult
	}
	cfg := &m.st.mcfg[idx]
	if c.argc() == 2 {
		m.info(fmt.Sprintf(`+QMTCFG: "%s",%s`, name, opt.show(cfg)))
		return okResult
	}
	if !opt.set(cfg, c) {
		return errorResult
	}
	return okResult
}

// assign stores v in *dst when ok, and returns ok.
func assign(ok bool, dst *int, v int) bool {
	if ok {
		*dst = v
	}
	return ok
}

func setMQTTSSL(cfg *mqttConfig, c *command) bool {
	on, ok1 := c.intArg(2, 0, 1)
	ctx, ok2 := c.optInt(3, 0, numSSL-1, 0)
	if !ok1 || !ok2 || c.argc() > 4 {
		return false
	}
	cfg.ssl, cfg.sslCtx = on == 1, ctx
	return true
}

func showMQTTSSL(cfg *mqttConfig) string {
	if !cfg.ssl {
		return "0"
	}
	return fmt.Sprintf("1,%d", cfg.sslCtx)
}

func setMQTTTimeout(cfg *mqttConfig, c *command) bool {
	pkt, ok1 := c.intArg(2, 1, 60)
	retry, ok2 := c.optInt(3, 0, 10, cfg.retries)
	notice, ok3 := c.optInt(4, 0, 1, cfg.notice)
	if !ok1 || !ok2 || !ok3 || c.argc() > 5 {
		return false
	}
	cfg.pktTimeout, cfg.retries, cfg.notice = pkt, retry, notice
	return true
}

// setMQTTWill takes <flag>[,<qos>,<retain>,"<topic>","<msg>"]; with flag 1
// the other four are mandatory.
func setMQTTWill(cfg *mqttConfig, c *command) bool {
	flag, ok := c.intArg(2, 0, 1)
	if !ok {
		return false
	}
	if flag == 0 {
		cfg.will = willConfig{}
		return c.argc() == 3 || c.argc() == 7
	}
	qos, ok1 := c.intArg(3, 0, 2)
	retain, ok2 := c.intArg(4, 0, 1)
	topic, ok3 := c.strArg(5)
	msg, ok4 := c.strArg(6)
	if !ok1 || !ok2 || !ok3 || !ok4 || c.argc() != 7 || topic == "" {
		return false
	}
	cfg.will = willConfig{flag: 1, qos: qos, retain: retain, topic: topic, msg: msg}
	return true
}

func showMQTTWill(cfg *mqttConfig) string {
	w := cfg.will
	if w.flag == 0 {
		return "0"
	}
	return fmt.Sprintf(`1,%d,%d,"%s","%s"`, w.qos, w.retain, w.topic, w.msg)
}

func setRecvMode(cfg *mqttConfig, c *command) bool {
	mode, ok1 := c.intArg(2, 0, 1)
	withLen, ok2 := c.optInt(3, 0, 1, 0)
	if !ok1 || !ok2 || c.argc() > 4 {
		return false
	}
	cfg.recvMode, cfg.recvLen = mode, withLen
	return true
}

func setAliauth(cfg *mqttConfig, c *command) bool {
	var v [3]string
	for i := range v {
		s, ok := c.strArg(2 + i)
		if !ok {
			return false
		}
		v[i] = s
	}
	cfg.aliauth = v
	return c.argc() == 5
}
