package sim_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/atrun/atrun/sim"
)

// The virtual SIMCom and u-blox modems against Debian's mosquitto: CA
// download, TLS with the broker's CA, login with a password, subscribe,
// publish to the same topic and receive it back through the broker.
func TestMosquittoFamilies(t *testing.T) {
	ctx := deadline(t)
	mb := startMosquitto(t, ctx)
	ca, err := os.ReadFile(mb.caFile)
	if err != nil {
		t.Fatal(err)
	}
	for model, session := range map[string]func(*testing.T, context.Context, *atClient, *sim.Sim, []byte){
		sim.ModelSIMCom: simcomSession,
		sim.ModelUblox:  ubloxSession,
	} {
		t.Run(model, func(t *testing.T) {
			s, err := sim.Start(ctx, sim.Options{Model: model, Broker: sim.BrokerOptions{
				URL: mb.url, CAFile: mb.caFile, Username: mb.user, Password: mb.pass}})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			c := dialAT(t, s.DevicePath)
			defer c.close()
			c.ok(ctx, "ATE0")
			session(t, ctx, c, s, ca)
		})
	}
}

// sendData answers a ">" prompt with data and returns the final result's
// information lines.
func sendData(t *testing.T, ctx context.Context, c *atClient, line string, data []byte) []string {
	t.Helper()
	c.prompt(ctx, line)
	c.write(string(data))
	info, final := c.collect(ctx, "")
	if final != "OK" {
		t.Fatalf("%s: %s", line, final)
	}
	return info
}

func simcomSession(t *testing.T, ctx context.Context, c *atClient, s *sim.Sim, ca []byte) {
	sendData(t, ctx, c, fmt.Sprintf(`AT+CCERTDOWN="ca.pem",%d`, len(ca)), ca)
	c.ok(ctx, `AT+CSSLCFG="authmode",0,1`)
	c.ok(ctx, `AT+CSSLCFG="cacert",0,"ca.pem"`)
	c.ok(ctx, "AT+CMQTTSTART")
	c.waitURC(ctx, "+CMQTTSTART: 0")
	c.ok(ctx, `AT+CMQTTACCQ=0,"simcom-test",1`)
	c.ok(ctx, "AT+CMQTTSSLCFG=0,0")
	c.ok(ctx, fmt.Sprintf(`AT+CMQTTCONNECT=0,"tcp://%s",60,1,"%s","%s"`, s.BrokerAddr, s.Username, s.Password))
	if u := c.waitURC(ctx, "+CMQTTCONNECT:"); u != "+CMQTTCONNECT: 0,0" {
		t.Fatalf("connect: %s", u)
	}
	topic := "families/simcom"
	sendData(t, ctx, c, fmt.Sprintf("AT+CMQTTSUB=0,%d,1", len(topic)), []byte(topic))
	if u := c.waitURC(ctx, "+CMQTTSUB:"); u != "+CMQTTSUB: 0,0" {
		t.Fatalf("subscribe: %s", u)
	}
	sendData(t, ctx, c, fmt.Sprintf("AT+CMQTTTOPIC=0,%d", len(topic)), []byte(topic))
	sendData(t, ctx, c, "AT+CMQTTPAYLOAD=0,5", []byte("hello"))
	c.ok(ctx, "AT+CMQTTPUB=0,1,60")
	if u := c.waitURC(ctx, "+CMQTTPUB:"); u != "+CMQTTPUB: 0,0" {
		t.Fatalf("publish: %s", u)
	}
	c.waitURC(ctx, "+CMQTTRXSTART: 0,15,5")
	c.waitURC(ctx, topic)
	c.waitURC(ctx, "+CMQTTRXPAYLOAD: 0,5")
	c.waitURC(ctx, "hello")
	c.waitURC(ctx, "+CMQTTRXEND: 0")
	c.ok(ctx, "AT+CMQTTDISC=0,60")
	c.waitURC(ctx, "+CMQTTDISC: 0,0")
	// A wrong password: mosquitto refuses with CONNACK 5 (not authorised),
	// 31 in SIMCom's numbering, where MQTT 3.1.1 would say 4 (30).
	c.ok(ctx, fmt.Sprintf(`AT+CMQTTCONNECT=0,"tcp://%s",60,1,"%s","wrong"`, s.BrokerAddr, s.Username))
	if u := c.waitURC(ctx, "+CMQTTCONNECT:"); u != "+CMQTTCONNECT: 0,30" && u != "+CMQTTCONNECT: 0,31" {
		t.Fatalf("wrong password: %s", u)
	}
}

func ubloxSession(t *testing.T, ctx context.Context, c *atClient, s *sim.Sim, ca []byte) {
	info := sendData(t, ctx, c, fmt.Sprintf(`AT+USECMNG=0,0,"ca.pem",%d`, len(ca)), ca)
	if len(info) != 1 || !strings.HasPrefix(info[0], `+USECMNG: 0,0,"ca.pem","`) {
		t.Fatalf("USECMNG: %q", info)
	}
	c.ok(ctx, "AT+USECPRF=0,0,1")
	c.ok(ctx, `AT+USECPRF=0,3,"ca.pem"`)
	host, port, _ := strings.Cut(s.BrokerAddr, ":")
	for _, set := range []string{`0,"ublox-test"`, fmt.Sprintf(`2,"%s",%s`, host, port),
		fmt.Sprintf(`4,"%s","%s"`, s.Username, s.Password), "11,1,0"} {
		c.ok(ctx, "AT+UMQTT="+set)
	}
	c.ok(ctx, "AT+UMQTTC=1")
	if u := c.waitURC(ctx, "+UUMQTTC: 1,"); u != "+UUMQTTC: 1,1" {
		t.Fatalf("login: %s", u)
	}
	topic := "families/ublox"
	c.ok(ctx, fmt.Sprintf(`AT+UMQTTC=4,1,"%s"`, topic))
	c.waitURC(ctx, fmt.Sprintf(`+UUMQTTC: 4,1,1,"%s"`, topic))
	c.ok(ctx, fmt.Sprintf(`AT+UMQTTC=2,1,0,"%s","hello"`, topic))
	c.waitURC(ctx, "+UUMQTTC: 2,1")
	c.waitURC(ctx, "+UUMQTTC: 6,1")
	got := c.ok(ctx, "AT+UMQTTC=6,1")
	if want := fmt.Sprintf(`+UMQTTC: 6,1,19,14,"%s",5,"hello"`, topic); len(got) != 1 || got[0] != want {
		t.Fatalf("read: %q, want %q", got, want)
	}
	c.ok(ctx, "AT+UMQTTC=0")
	c.waitURC(ctx, "+UUMQTTC: 0,1")
}
