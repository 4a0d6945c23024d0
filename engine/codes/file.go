package codes

import "strings"

// decodeQFUPL explains "+QFUPL: <size>,<checksum>", the end of an upload.
func decodeQFUPL(in info, _ lineCtx) Note {
	size, ok := in.intParam(0)
	sum := in.param(1)
	if !ok || sum == "" || !isHex(sum) {
		return Note{}
	}
	return Note{
		Meaning: "upload done: " + itoa(size) + " bytes, checksum " + sum,
		Hint:    "compare with the local file: its exact byte count (no line-ending conversion) and the XOR of its 16-bit big-endian words",
	}
}

// decodeQFLST explains a listing line "+QFLST: "<name>",<size>".
func decodeQFLST(in info, _ lineCtx) Note {
	size, ok := in.intParam(1)
	if !ok || !isQuoted(in.param(0)) {
		return Note{}
	}
	name := unquote(in.param(0))
	if strings.HasSuffix(name, "/") {
		return Note{Meaning: "directory " + name}
	}
	return Note{Meaning: "file " + name + ", " + itoa(size) + " bytes"}
}

// isHex reports whether s is a non-empty run of hex digits.
func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F') {
			return false
		}
	}
	return true
}
