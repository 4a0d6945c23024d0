package broker

import (
	"fmt"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// badPasswordCode is the MQTT 3.1.1 CONNACK return code 4, "bad user name or
// password".
var badPasswordCode = packets.Code{Code: 0x04, Reason: "bad user name or password"}

// credentialCheck refuses MQTT 3.x clients that give a user name with a
// wrong password (or an unknown user name) using CONNACK code 4, which is
// what 3.1.1 defines for the case; mochi itself answers 5, "not
// authorized", to every refused 3.x login. A client with no user name at
// all is left to the auth hook, which answers 5.
type credentialCheck struct {
	mqtt.HookBase
	srv   *mqtt.Server
	users map[string]string
}

func (h *credentialCheck) ID() string { return "atrun-credential-check" }

func (h *credentialCheck) Provides(b byte) bool { return b == mqtt.OnConnect }

func (h *credentialCheck) OnConnect(cl *mqtt.Client, pk packets.Packet) error {
	if cl.Properties.ProtocolVersion >= 5 {
		return nil // v5 has its own reason codes; the auth hook answers
	}
	if !pk.Connect.UsernameFlag {
		return nil
	}
	want, known := h.users[string(pk.Connect.Username)]
	if known && pk.Connect.PasswordFlag && want == string(pk.Connect.Password) {
		return nil
	}
	if err := h.srv.SendConnack(cl, badPasswordCode, false, nil); err != nil {
		return err
	}
	return packets.ErrBadUsernameOrPassword
}

// eventLog reports client sessions and subscriptions as one line each,
// for a log of what happens at the broker (Options.Events). Messages are
// left to a subscription, which sees an external broker's too.
type eventLog struct {
	mqtt.HookBase
	events func(string)
}

func (h *eventLog) ID() string { return "atrun-event-log" }

func (h *eventLog) Provides(b byte) bool {
	return b == mqtt.OnSessionEstablished || b == mqtt.OnDisconnect || b == mqtt.OnSubscribed || b == mqtt.OnUnsubscribed
}

func (h *eventLog) OnSessionEstablished(cl *mqtt.Client, _ packets.Packet) {
	h.events(fmt.Sprintf("client %q connected from %s as %q", cl.ID, cl.Net.Remote, cl.Properties.Username))
}

func (h *eventLog) OnDisconnect(cl *mqtt.Client, err error, _ bool) {
	why := "disconnected"
	if err != nil {
		why += ": " + err.Error()
	}
	h.events(fmt.Sprintf("client %q %s", cl.ID, why))
}

func (h *eventLog) OnSubscribed(cl *mqtt.Client, pk packets.Packet, codes []byte) {
	for i, f := range pk.Filters {
		code := byte(0)
		if i < len(codes) {
			code = codes[i]
		}
		h.events(fmt.Sprintf("client %q subscribed to %s (granted %d)", cl.ID, f.Filter, code))
	}
}

func (h *eventLog) OnUnsubscribed(cl *mqtt.Client, pk packets.Packet) {
	for _, f := range pk.Filters {
		h.events(fmt.Sprintf("client %q unsubscribed from %s", cl.ID, f.Filter))
	}
}
