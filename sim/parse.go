package sim

import (
	"errors"
	"strings"
)

// form is the shape of one command: AT+X, AT+X?, AT+X=? or AT+X=<args>.
type form int

const (
	formExec form = iota
	formRead
	formTest
	formWrite
)

// param is one comma-separated argument of a write command.
type param struct {
	text   string // without the quotes when quoted
	quoted bool
	empty  bool // nothing between the commas
}

// command is one command of a command line. Basic commands (E0, V1, I, &F,
// S3=13) carry their digits in num; extended ones (+CSQ) their arguments in
// args.
type command struct {
	name   string // upper case: "+CSQ", "E", "&F", "S3", "" for a bare AT
	form   form
	args   []param
	num    int
	hasNum bool
}

var (
	errNoPrefix     = errors.New("line does not start with AT")
	errSyntax       = errors.New("syntax error")
	errNonASCII     = errors.New("byte outside ASCII outside a quoted string")
	errUnterminated = errors.New("unterminated quoted string")
)

// parseLine splits a command line (without its CR) into commands. It follows
// V.250 as the EC20 applies it: "AT" or "at" first; basic commands follow
// each other directly (ATE0V1); extended commands are separated by ';';
// string parameters are quoted with 0x22 only, so typographic quotes are
// ordinary bytes that make the line invalid.
func parseLine(line []byte) ([]command, error) {
	s := strings.Trim(string(line), " ")
	if len(s) < 2 || !strings.EqualFold(s[:2], "AT") {
		return nil, errNoPrefix
	}
	p := &lineParser{s: s, i: 2}
	var cmds []command
	for {
		p.skipSpaces()
		if p.eof() {
			break
		}
		if p.peek() == ';' {
			p.i++
			continue
		}
		c, err := p.next()
		if err != nil {
			return nil, err
		}
		cmds = append(cmds, c)
	}
	if len(cmds) == 0 {
		cmds = append(cmds, command{name: "", form: formExec})
	}
	return cmds, nil
}

type lineParser struct {
	s string
	i int
}

func (p *lineParser) eof() bool  { return p.i >= len(p.s) }
func (p *lineParser) peek() byte { return p.s[p.i] }

func (p *lineParser) skipSpaces() {
	for !p.eof() && p.peek() == ' ' {
		p.i++
	}
}

func (p *lineParser) next() (command, error) {
	switch b := p.peek(); {
	case b == '+':
		return p.extended()
	case b == '&':
		p.i++
		if p.eof() || !isLetter(p.peek()) {
			return command{}, errSyntax
		}
		return p.basic("&" + upper(p.s[p.i:p.i+1]))
	case b == 'S' || b == 's':
		return p.sRegister()
	case isLetter(b):
		return p.basic(upper(p.s[p.i : p.i+1]))
	case b >= 0x80:
		return command{}, errNonASCII
	}
	return command{}, errSyntax
}

// basic reads a one-letter (or &-letter) command and its optional digits;
// p.i is on the letter.
func (p *lineParser) basic(name string) (command, error) {
	p.i++
	c := command{name: name, form: formExec}
	start := p.i
	for !p.eof() && isDigit(p.peek()) && p.i-start < 6 {
		c.num = c.num*10 + int(p.peek()-'0')
		p.i++
	}
	c.hasNum = p.i > start
	return c, nil
}

// sRegister reads Sn?, Sn=v (v may be empty).
func (p *lineParser) sRegister() (command, error) {
	p.i++
	start := p.i
	for !p.eof() && isDigit(p.peek()) && p.i-start < 3 {
		p.i++
	}
	if p.i == start {
		return command{}, errSyntax
	}
	c := command{name: "S" + p.s[start:p.i]}
	switch {
	case strings.HasPrefix(p.s[p.i:], "?"):
		p.i++
		c.form = formRead
	case strings.HasPrefix(p.s[p.i:], "="):
		p.i++
		c.form = formWrite
		v := 0
		digits := 0
		for !p.eof() && isDigit(p.peek()) && digits < 4 {
			v = v*10 + int(p.peek()-'0')
			p.i++
			digits++
		}
		c.num, c.hasNum = v, digits > 0
	default:
		return command{}, errSyntax
	}
	return c, nil
}

// extended reads +NAME[?|=?|=args] up to ';' or the end of the line.
func (p *lineParser) extended() (command, error) {
	start := p.i
	p.i++
	for !p.eof() && isNameByte(p.peek()) {
		p.i++
	}
	if p.i == start+1 {
		return command{}, errSyntax
	}
	c := command{name: upper(p.s[start:p.i]), form: formExec}
	rest := p.s[p.i:]
	switch {
	case strings.HasPrefix(rest, "=?"):
		p.i += 2
		c.form = formTest
	case strings.HasPrefix(rest, "?"):
		p.i++
		c.form = formRead
	case strings.HasPrefix(rest, "="):
		p.i++
		c.form = formWrite
		args, err := p.args()
		if err != nil {
			return command{}, err
		}
		c.args = args
		return c, nil
	}
	return c, p.endOfCommand()
}

// endOfCommand accepts trailing spaces, then ';' or the end of the line.
func (p *lineParser) endOfCommand() error {
	p.skipSpaces()
	if p.eof() || p.peek() == ';' {
		return nil
	}
	if p.peek() >= 0x80 {
		return errNonASCII
	}
	return errSyntax
}

// args reads comma-separated parameters up to an unquoted ';' or the end.
func (p *lineParser) args() ([]param, error) {
	var out []param
	for {
		prm, err := p.arg()
		if err != nil {
			return nil, err
		}
		out = append(out, prm)
		if p.eof() || p.peek() == ';' {
			return out, nil
		}
		p.i++ // the comma
	}
}

// arg reads one parameter, stopping on ',' or ';' or the end of the line.
func (p *lineParser) arg() (param, error) {
	p.skipSpaces()
	if !p.eof() && p.peek() == '"' {
		end := strings.IndexByte(p.s[p.i+1:], '"')
		if end < 0 {
			return param{}, errUnterminated
		}
		text := p.s[p.i+1 : p.i+1+end]
		p.i += end + 2
		p.skipSpaces()
		if !p.eof() && p.peek() != ',' && p.peek() != ';' {
			return param{}, errSyntax
		}
		return param{text: text, quoted: true}, nil
	}
	start := p.i
	for !p.eof() && p.peek() != ',' && p.peek() != ';' {
		switch b := p.peek(); {
		case b == '"':
			return param{}, errSyntax
		case b >= 0x80 || b < 0x20:
			return param{}, errNonASCII
		}
		p.i++
	}
	text := strings.TrimRight(p.s[start:p.i], " ")
	return param{text: text, empty: text == ""}, nil
}

func isLetter(b byte) bool { return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' }
func isDigit(b byte) bool  { return b >= '0' && b <= '9' }

// isNameByte accepts the characters of extended command names.
func isNameByte(b byte) bool {
	return isLetter(b) || isDigit(b) || b == '_' || b == '&' || b == '%' || b == '.' || b == '!'
}

func upper(s string) string { return strings.ToUpper(s) }
