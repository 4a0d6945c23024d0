package sim

import (
	"encoding/hex"
	"strings"
	"unicode/utf16"
)

// The GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1): gsmBasic[i] is
// the character of septet i; gsmExt maps the characters reached through the
// escape septet 0x1B to their second septet.
var gsmBasic = []rune("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")

var gsmExt = map[rune]byte{
	'\f': 0x0A, '^': 0x14, '{': 0x28, '}': 0x29, '\\': 0x2F, '[': 0x3C, '~': 0x3D, ']': 0x3E, '|': 0x40, '€': 0x65,
}

const gsmEscape = 0x1B

var (
	gsmIndex   = map[rune]byte{}
	gsmExtRune = map[byte]rune{}
)

func init() {
	for i, r := range gsmBasic {
		if i != gsmEscape {
			gsmIndex[r] = byte(i)
		}
	}
	for r, b := range gsmExt {
		gsmExtRune[b] = r
	}
}

// toSeptets encodes text in the GSM default alphabet, escaping the
// extension characters. It reports false when a character has no GSM form.
func toSeptets(text string) ([]byte, bool) {
	var out []byte
	for _, r := range text {
		if b, ok := gsmIndex[r]; ok {
			out = append(out, b)
			continue
		}
		if b, ok := gsmExt[r]; ok {
			out = append(out, gsmEscape, b)
			continue
		}
		return nil, false
	}
	return out, true
}

// fromSeptets decodes GSM default alphabet septets.
func fromSeptets(s []byte) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i] & 0x7F
		if c == gsmEscape {
			if i+1 == len(s) {
				break // an escape with nothing after it stands for nothing
			}
			i++
			if r, ok := gsmExtRune[s[i]&0x7F]; ok {
				b.WriteRune(r)
			} else {
				b.WriteRune(' ') // an unknown extension reads as a space (TS 23.038)
			}
			continue
		}
		b.WriteRune(gsmBasic[c])
	}
	return b.String()
}

// packSeptets packs septets into octets, the first septet in the low bits
// of the first octet, after fill bits of padding (for a user data header).
func packSeptets(s []byte, fill int) []byte {
	nbits := fill + 7*len(s)
	out := make([]byte, (nbits+7)/8)
	bit := fill
	for _, c := range s {
		for j := 0; j < 7; j++ {
			if c&(1<<j) != 0 {
				out[bit/8] |= 1 << (bit % 8)
			}
			bit++
		}
	}
	return out
}

// unpackSeptets reads n septets from packed octets, skipping fill bits.
func unpackSeptets(b []byte, n, fill int) ([]byte, bool) {
	if (fill+7*n+7)/8 > len(b) {
		return nil, false
	}
	out := make([]byte, n)
	bit := fill
	for i := range out {
		var c byte
		for j := 0; j < 7; j++ {
			if b[bit/8]&(1<<(bit%8)) != 0 {
				c |= 1 << j
			}
			bit++
		}
		out[i] = c
	}
	return out, true
}

// ucs2 encodes text as big-endian UTF-16 (UCS2 with surrogate pairs, as
// phones send characters beyond the BMP).
func ucs2(text string) []byte {
	units := utf16.Encode([]rune(text))
	out := make([]byte, 2*len(units))
	for i, u := range units {
		out[2*i], out[2*i+1] = byte(u>>8), byte(u)
	}
	return out
}

// fromUCS2 decodes big-endian UTF-16; an odd last byte is dropped.
func fromUCS2(b []byte) string {
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(units))
}

// Character sets of AT+CSCS: how text crosses the serial line in text mode.
const (
	csGSM  = "GSM"
	csIRA  = "IRA"
	csUCS2 = "UCS2"
)

// teDecode reads a string the host sent in character set cs. UCS2 is hex
// of big-endian UTF-16; GSM and IRA are taken as ASCII (on this line the
// GSM set's printable characters are sent as their ASCII bytes).
func teDecode(cs, s string) (string, bool) {
	if cs != csUCS2 {
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				return "", false
			}
		}
		return s, true
	}
	if len(s)%4 != 0 {
		return "", false
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return "", false
	}
	return fromUCS2(b), true
}

// teEncode writes text for the host in character set cs: UCS2 as hex,
// GSM and IRA as ASCII with '?' for what ASCII lacks.
func teEncode(cs, text string) string {
	if cs == csUCS2 {
		return strings.ToUpper(hex.EncodeToString(ucs2(text)))
	}
	var b strings.Builder
	for _, r := range text {
		if r < 0x80 {
			b.WriteRune(r)
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}
