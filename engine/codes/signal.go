package codes

// CSQ converts a +CSQ <rssi> to its level: "-75 dBm", "≤ -113 dBm",
// "≥ -51 dBm", or "unknown" for 99; dBm is the value (the bound for 0 and
// 31) and ok is false when the number has no level.
func CSQ(rssi int) (level string, dBm int, ok bool) {
	switch {
	case rssi == 0:
		return "≤ -113 dBm", -113, true
	case rssi == 1:
		return "-111 dBm", -111, true
	case rssi >= 2 && rssi <= 30:
		d := 2*rssi - 113
		return itoa(d) + " dBm", d, true
	case rssi == 31:
		return "≥ -51 dBm", -51, true
	case rssi >= 100 && rssi <= 191:
		d := rssi - 216
		return itoa(d) + " dBm (TD-SCDMA scale)", d, true
	}
	return "unknown", 0, false
}

// signalWords rates an rssi so a reader need not know the scale.
func signalWords(rssi int) string {
	switch {
	case rssi <= 9:
		return "marginal"
	case rssi <= 14:
		return "fair"
	case rssi <= 19:
		return "good"
	}
	return "excellent"
}

// decodeCSQ explains "+CSQ: <rssi>,<ber>".
func decodeCSQ(in info, _ lineCtx) Note {
	rssi, ok := in.intParam(0)
	if !ok || in.isTestAnswer() {
		return Note{}
	}
	level, _, known := CSQ(rssi)
	if !known {
		return Note{
			Meaning: "signal not known yet (rssi 99)",
			Hint:    "normal right after boot until the module camps on a cell; otherwise check the antenna and coverage",
		}
	}
	n := Note{Meaning: "signal " + level + ", " + signalWords(rssi)}
	if ber, ok := in.intParam(1); ok && ber >= 0 && ber <= 7 {
		n.Meaning += "; bit error rate class " + itoa(ber)
	}
	if rssi <= 9 {
		n.Hint = "weak signal: check the antenna, its connector and the location"
	}
	return n
}
