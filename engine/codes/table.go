package codes

// Group says where an error number comes from. It matters to a reader: a
// generic 3GPP code means the modem gave no Quectel-specific reason.
type Group string

const (
	Group3GPP    Group = "3gpp"    // listed in the EC2x manual's +CME/+CMS tables
	GroupGeneric Group = "generic" // 3GPP TS 27.007 code not listed for EC2x
	GroupFile    Group = "file"    // Quectel file system, 4xx
	GroupGNSS    Group = "gnss"    // Quectel GNSS, 501..549 (attested on BG96)
	GroupSocket  Group = "socket"  // Quectel TCP/IP and SSL, 550..574
	GroupAudio   Group = "audio"   // Quectel audio, 901..904
)

// Code is one row of an error table.
type Code struct {
	N       int
	Meaning string
	Group   Group
	Hint    string // what to check; may be empty
}

// rangeNote describes a numeric range whose codes are not in the tables, so
// an unknown number still says which subsystem produced it.
type rangeNote struct {
	lo, hi int
	text   string
}

// describeRange returns the text of the first range holding n, or "".
func describeRange(ranges []rangeNote, n int) string {
	for _, r := range ranges {
		if n >= r.lo && n <= r.hi {
			return r.text
		}
	}
	return ""
}
