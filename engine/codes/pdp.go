package codes

import "strings"

// cfunLevels are the <fun> values of +CFUN.
var cfunLevels = []Code{
	{0, "minimum functionality: radio and SIM off", "", "switch the radio on with AT+CFUN=1"},
	{1, "full functionality", "", ""},
	{4, "radio off (flight mode), SIM on", "", "switch the radio on with AT+CFUN=1"},
}

var cfunIndex = lazyIndex(cfunLevels)

// decodeCFUN explains "+CFUN: <fun>".
func decodeCFUN(in info, _ lineCtx) Note {
	fun, ok := in.intParam(0)
	if !ok {
		return Note{}
	}
	return lookup(cfunIndex(), fun, "functionality level")
}

// decodeCGATT explains "+CGATT: <state>".
func decodeCGATT(in info, _ lineCtx) Note {
	switch in.param(0) {
	case "1":
		return Note{Meaning: "attached to the packet domain"}
	case "0":
		return Note{Meaning: "detached from the packet domain", Hint: "attach with AT+CGATT=1 (may take up to 140 s); check registration first"}
	}
	return Note{}
}

// decodeQIACT explains "+QIACT: <cid>,<state>,<type>[,<addr>...]".
func decodeQIACT(in info, _ lineCtx) Note {
	cid, ok := in.intParam(0)
	st, ok2 := in.intParam(1)
	if !ok || !ok2 || in.isTestAnswer() {
		return Note{}
	}
	if st != 1 {
		return Note{Meaning: "PDP context " + itoa(cid) + " deactivated", Hint: "activate it with AT+QIACT=" + itoa(cid)}
	}
	var addrs []string
	for i := 3; i < len(in.params); i++ {
		addrs = append(addrs, unquote(in.params[i]))
	}
	return Note{Meaning: join(", address ", "PDP context "+itoa(cid)+" active", strings.Join(addrs, " and "))}
}

// decodeCGACT explains "+CGACT: <cid>,<state>".
func decodeCGACT(in info, _ lineCtx) Note {
	cid, ok := in.intParam(0)
	st, ok2 := in.intParam(1)
	if !ok || !ok2 {
		return Note{}
	}
	if st == 1 {
		return Note{Meaning: "PDP context " + itoa(cid) + " active"}
	}
	return Note{Meaning: "PDP context " + itoa(cid) + " inactive"}
}
