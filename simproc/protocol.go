package simproc

// Line is one line atrun-sim --json writes on its standard output, as
// JSON: first one Modem per virtual modem (or one Error if they could not
// start), then Message and Published as they happen.
type Line struct {
	Modem     *Modem     `json:"modem,omitempty"`
	Error     *Error     `json:"error,omitempty"`
	Message   *Message   `json:"message,omitempty"`   // the broker received it on a watched topic
	Published *Published `json:"published,omitempty"` // a Publish command was carried out
}

// Message is an MQTT message: one the broker received on a topic given
// with --watch, or one to publish.
type Message struct {
	Topic   string `json:"topic"`
	Payload string `json:"payload"`
}

// Published answers a Publish command; Error is "" when the broker took
// the message.
type Published struct {
	Topic string `json:"topic"`
	Error string `json:"error,omitempty"`
}

// Command is one line atrun writes on the child's standard input, as
// JSON. The end of the input stops the child.
type Command struct {
	// Publish has the broker publish a message (QoS 1) to the modems
	// subscribed to its topic.
	Publish *Message `json:"publish,omitempty"`
}

// Error is why atrun-sim could not start its virtual modems: a bad flag
// (an unknown fault or model) or a broker it could not start or reach. It
// is the caller's setup mistake, said in the child's words.
type Error struct {
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"` // what to do about it, "" when Message says it
}

func (e *Error) Error() string { return e.Message }
