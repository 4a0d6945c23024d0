package explain

import "strings"

// maxHeld bounds the lines held back in a blind log: a long run of
// unsolicited lines with no final result after it is let go.
const maxHeld = 4096

// put passes an entry on. In a log that shows no commands, information
// lines are held until what follows says whether they answered a command
// (a final result comes next) or arrived on their own.
func (c *classifier) put(e Entry) {
	if !c.shape.blind {
		c.send(e)
		return
	}
	switch {
	case e.Kind == KindURC, e.Kind == KindNoise && strings.TrimSpace(e.Text) == "":
		c.held = append(c.held, e)
		if len(c.held) >= maxHeld {
			c.flushHeld()
		}
	case e.Kind == KindFinal && e.Command == "":
		c.held = append(c.held, e)
		inferCommands(c.held)
		c.flushHeld()
	default:
		c.flushHeld()
		c.send(e)
	}
}

// flushHeld passes on the entries held back.
func (c *classifier) flushHeld() {
	for _, e := range c.held {
		c.send(e)
	}
	c.held = c.held[:0]
}

// send hands an entry to the caller; after an error nothing more goes.
func (c *classifier) send(e Entry) {
	if c.err == nil {
		c.err = c.emit(e)
	}
}
