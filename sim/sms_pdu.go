package sim

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// SMS TPDUs (3GPP TS 23.040 §9.2): the SMS-SUBMIT the host sends in PDU
// mode and the SMS-DELIVER the modem hands over for an incoming message.
// The modem takes and gives TPDUs with the service centre address in
// front (TS 27.005 §3.1, <pdu>).

// Data coding schemes this modem writes (TS 23.038 §4, general group).
const (
	dcsGSM7  = 0x00
	dcsData  = 0x04
	dcsUCS2  = 0x08
	mtiMask  = 0x03
	mtiSubmt = 0x01
	udhiBit  = 0x40
	toaIntl  = 145 // international number, ISDN plan
	toaOther = 129 // unknown type, ISDN plan
	toaAlpha = 0xD0
)

// alphabet of a data coding scheme: dcsGSM7, dcsData or dcsUCS2 (TS 23.038
// §4: the general groups 00xx and 01xx, message waiting 1110, data coding
// 1111; anything else reads as GSM 7-bit).
func alphabet(dcs byte) byte {
	switch {
	case dcs&0x80 == 0:
		if a := dcs & 0x0C; a != 0x0C {
			return a
		}
	case dcs&0xF0 == 0xE0:
		return dcsUCS2
	case dcs&0xF0 == 0xF0 && dcs&0x04 != 0:
		return dcsData
	}
	return dcsGSM7
}

var errPDU = errors.New("malformed PDU")

// submit is a decoded SMS-SUBMIT.
type submit struct {
	mr   byte
	da   string // with a leading '+' for an international number
	toda int
	dcs  byte
	text string // the user data as text (GSM 7-bit and UCS2)
	data []byte // the user data as sent (8-bit data), without a header
}

// pduReader walks a TPDU, remembering the first overrun.
type pduReader struct {
	b   []byte
	i   int
	bad bool
}

func (r *pduReader) byte() byte {
	if r.i >= len(r.b) {
		r.bad = true
		return 0
	}
	r.i++
	return r.b[r.i-1]
}

func (r *pduReader) take(n int) []byte {
	if n < 0 || r.i+n > len(r.b) {
		r.bad = true
		return nil
	}
	r.i += n
	return r.b[r.i-n : r.i]
}

// splitSMSC drops the service centre address in front of a TPDU.
func splitSMSC(b []byte) ([]byte, bool) {
	if len(b) == 0 || int(b[0])+1 > len(b) {
		return nil, false
	}
	return b[int(b[0])+1:], true
}

// decodeSubmit reads an SMS-SUBMIT TPDU (the service centre address already
// removed).
func decodeSubmit(tpdu []byte) (submit, error) {
	r := &pduReader{b: tpdu}
	fo := r.byte()
	if fo&mtiMask != mtiSubmt {
		return submit{}, fmt.Errorf("%w: not an SMS-SUBMIT (first octet %02X)", errPDU, fo)
	}
	s := submit{mr: r.byte()}
	s.da, s.toda = readAddress(r)
	r.byte() // protocol identifier
	s.dcs = r.byte()
	switch (fo >> 3) & 0x03 { // validity period format
	case 0x02:
		r.take(1)
	case 0x01, 0x03:
		r.take(7)
	}
	udl := int(r.byte())
	if r.bad {
		return submit{}, errPDU
	}
	text, data, err := readUserData(r.b[r.i:], udl, s.dcs, fo&udhiBit != 0)
	if err != nil {
		return submit{}, err
	}
	s.text, s.data = text, data
	return s, nil
}

// readAddress reads an address field: digit count, type, BCD digits (or
// packed GSM characters for an alphanumeric address).
func readAddress(r *pduReader) (string, int) {
	n := int(r.byte())
	toa := int(r.byte())
	raw := r.take((n + 1) / 2)
	if r.bad {
		return "", 0
	}
	if toa&0x70 == 0x50 { // alphanumeric
		s, ok := unpackSeptets(raw, n*4/7, 0)
		if !ok {
			r.bad = true
			return "", 0
		}
		return fromSeptets(s), toa
	}
	digits := swappedDigits(raw, n)
	if toa&0x70 == 0x10 {
		digits = "+" + digits
	}
	return digits, toa
}

// swappedDigits reads n BCD digits, low nibble first ('*', '#', 'a'-'c'
// for the values 10-14).
func swappedDigits(raw []byte, n int) string {
	const alphabet = "0123456789*#abc"
	var b strings.Builder
	for i := 0; i < n; i++ {
		v := raw[i/2] >> (4 * (i % 2)) & 0x0F
		if int(v) < len(alphabet) {
			b.WriteByte(alphabet[v])
		}
	}
	return b.String()
}

// readUserData decodes UDL and UD; a user data header is skipped.
func readUserData(ud []byte, udl int, dcs byte, udhi bool) (string, []byte, error) {
	alpha := alphabet(dcs)
	if alpha == dcsGSM7 {
		fill, skip := 0, 0
		if udhi {
			if len(ud) == 0 {
				return "", nil, errPDU
			}
			hdr := int(ud[0]) + 1
			fill = (7 - hdr*8%7) % 7
			skip = (hdr*8 + fill) / 7
		}
		sept, ok := unpackSeptets(ud, udl, 0)
		if !ok || skip > udl {
			return "", nil, fmt.Errorf("%w: user data shorter than its length %d", errPDU, udl)
		}
		if udhi {
			sept, _ = unpackSeptets(ud[int(ud[0])+1:], udl-skip, fill)
		}
		return fromSeptets(sept), nil, nil
	}
	if udl > len(ud) {
		return "", nil, fmt.Errorf("%w: user data shorter than its length %d", errPDU, udl)
	}
	body := ud[:udl]
	if udhi {
		if len(body) == 0 || int(body[0])+1 > len(body) {
			return "", nil, errPDU
		}
		body = body[int(body[0])+1:]
	}
	if alpha == dcsUCS2 {
		return fromUCS2(body), body, nil
	}
	return "", body, nil
}

// userData is a message body ready for a TPDU: its length field and bytes.
type userData struct {
	udl int
	ud  []byte
}

// encodeBody encodes text in the alphabet of dcs. It reports false when
// the text does not fit one message (160 septets, 140 octets) or has a
// character GSM 7-bit lacks.
func encodeBody(text string, data []byte, dcs byte) (userData, bool) {
	switch alphabet(dcs) {
	case dcsUCS2:
		b := ucs2(text)
		return userData{len(b), b}, len(b) <= 140
	case dcsData:
		return userData{len(data), data}, len(data) <= 140
	}
	s, ok := toSeptets(text)
	return userData{len(s), packSeptets(s, 0)}, ok && len(s) <= 160
}

// encodeDeliver builds an SMS-DELIVER TPDU from sender at ts.
func encodeDeliver(from string, ts time.Time, dcs byte, body userData) []byte {
	out := []byte{0x04} // SMS-DELIVER, no more messages waiting
	out = append(out, encodeAddress(from)...)
	out = append(out, 0x00, dcs)
	out = append(out, encodeSCTS(ts)...)
	out = append(out, byte(body.udl))
	return append(out, body.ud...)
}

// encodeSubmit builds the SMS-SUBMIT TPDU of a stored message: relative
// validity 167 (one day), no message reference yet.
func encodeSubmit(to string, dcs byte, body userData) []byte {
	out := []byte{0x11, 0x00}
	if to == "" {
		out = append(out, 0x00, toaOther)
	} else {
		out = append(out, encodeAddress(to)...)
	}
	out = append(out, 0x00, dcs, 0xA7, byte(body.udl))
	return append(out, body.ud...)
}

// encodeAddress writes an address field: international when it starts
// with '+', alphanumeric when it has anything but digits.
func encodeAddress(addr string) []byte {
	digits, intl := strings.CutPrefix(addr, "+")
	if !isDigits(digits) {
		s, _ := toSeptets(addr)
		packed := packSeptets(s, 0)
		return append([]byte{byte(len(s) * 7 / 4), toaAlpha}, packed...)
	}
	toa := byte(toaOther)
	if intl {
		toa = toaIntl
	}
	return append([]byte{byte(len(digits)), toa}, swapBCD(digits)...)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// swapBCD packs decimal digits two to an octet, low nibble first, an odd
// count padded with F.
func swapBCD(digits string) []byte {
	out := make([]byte, (len(digits)+1)/2)
	for i := 0; i < len(digits); i++ {
		v := digits[i] - '0'
		if i%2 == 0 {
			out[i/2] = 0xF0 | v
		} else {
			out[i/2] = out[i/2]&0x0F | v<<4
		}
	}
	return out
}

// smscField is the service centre address as it leads a PDU: its length
// in octets, then the address without the digit count.
func smscField(number string) []byte {
	a := encodeAddress(number)[1:]
	return append([]byte{byte(len(a))}, a...)
}

// encodeSCTS writes a service centre time stamp: year to second as swapped
// BCD, then the zone in quarter hours with the sign in bit 3.
func encodeSCTS(t time.Time) []byte {
	_, off := t.Zone()
	q := off / 900
	neg := q < 0
	if neg {
		q = -q
	}
	out := []byte{}
	for _, v := range []int{t.Year() % 100, int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), q} {
		out = append(out, byte(v%10)<<4|byte(v/10))
	}
	if neg {
		out[6] |= 0x08
	}
	return out
}

// sctsText is the text-mode time stamp "yy/MM/dd,hh:mm:ss±zz", zz in
// quarter hours (TS 27.005 §3.3, <scts>).
func sctsText(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%s%c%02d", t.Format("06/01/02,15:04:05"), sign, off/900)
}
