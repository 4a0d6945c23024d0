package atruncli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/engine/transcript"
	"github.com/atrun/atrun/session"
	"github.com/atrun/atrun/sim"
)

// startFleet starts n virtual EC20s in the test, each on its own pty.
func startTestFleet(t *testing.T, n int) []string {
	t.Helper()
	f, err := sim.StartFleet(context.Background(), n, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	devs := make([]string, n)
	for i, s := range f.Sims {
		devs[i] = s.DevicePath
	}
	return devs
}

// portArgs is --port for each device.
func portArgs(devs ...string) []string {
	var out []string
	for _, d := range devs {
		out = append(out, "--port", d)
	}
	return out
}

// junitDoc is what the tests read back of the JUnit report.
type junitDoc struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Name    string    `xml:"name,attr"`
			Failure *struct{} `xml:"failure"`
			Error   *struct {
				Type string `xml:"type,attr"`
			} `xml:"error"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// One script on several virtual EC20s (real ptys) at once: each run's
// lines carry its port, each port gets its own parameters, transcript and
// test case, the table lists each, and the exit code is the worst run's.
func TestRunOnManyPorts(t *testing.T) {
	devs := startTestFleet(t, 3)
	const script = `
print(param('id'))
step('IMEI', function() send('AT+GSN') end)
if param('fail') == param('id') then
  step('Break', function() send('AT+NOSUCH') end)
end
`
	tests := []struct {
		name  string
		ports []string
		fail  string // the id whose run fails
		code  int
		rows  map[string]string // port: its row's result and step, as a regexp
	}{
		{"all pass", devs, "", exitOK, map[string]string{
			devs[0]: `ok`, devs[1]: `ok`, devs[2]: `ok`}},
		{"one fails", devs, "dev-2", exitFailed, map[string]string{
			devs[0]: `ok`, devs[1]: `failed +[\d.]+ \S+ +Break +.*AT\+NOSUCH`, devs[2]: `ok`}},
		{"one will not open", []string{devs[0], "/nonexistent/ttyUSB9", devs[2]}, "dev-1", exitUsage, map[string]string{
			devs[0]: `failed +[\d.]+ \S+ +Break`, "/nonexistent/ttyUSB9": `setup error .*cannot open port`, devs[2]: `ok`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "s.lua", script)
			rec, junit := filepath.Join(dir, "rec"), filepath.Join(dir, "report.xml")
			args := append([]string{"run", "s.lua", "--set", "id=dev-{index}", "--set", "fail=" + tc.fail,
				"--record", rec, "--junit", junit}, portArgs(tc.ports...)...)
			o := atrun(t, dir, args...)
			if o.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", o.code, tc.code, o.stdout, o.stderr)
			}
			for i, port := range tc.ports {
				if tc.rows[port] == "setup error .*cannot open port" {
					continue
				}
				if want := "[" + port + "] dev-" + string(rune('1'+i)) + "\n"; !strings.Contains(o.stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, o.stdout)
				}
			}
			checkTable(t, o.stderr, tc.rows)
			checkRecords(t, rec, tc.ports, tc.rows)
			checkJUnit(t, junit, "atrun run s", tc.ports, tc.rows)
		})
	}
}

// checkTable finds each port's row in the summary table.
func checkTable(t *testing.T, stderr string, rows map[string]string) {
	t.Helper()
	_, table, ok := strings.Cut(stderr, "\nPORT ")
	if !ok {
		t.Fatalf("no table in stderr:\n%s", stderr)
	}
	for port, row := range rows {
		re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(port) + ` +` + row)
		if !re.MatchString(table) {
			t.Errorf("no row %s %s in the table:\n%s", port, row, table)
		}
	}
}

// checkRecords reads each port's transcript and its ending.
func checkRecords(t *testing.T, dir string, ports []string, rows map[string]string) {
	t.Helper()
	for i, port := range ports {
		file := filepath.Join(dir, session.RecordName(i+1, len(ports), port))
		tr, err := transcript.ReadFile(file)
		if strings.HasPrefix(rows[port], "setup error") {
			if err == nil {
				t.Errorf("%s: a transcript for a port that did not open", port)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", port, err)
		}
		want := transcript.Succeeded
		if rows[port] != "ok" {
			want = transcript.Failed
		}
		if end := tr.Ending(); end.Kind != want || tr.Header.Port != port {
			t.Errorf("%s: transcript of port %s ends %+v, want %v", file, tr.Header.Port, end, want)
		}
	}
}

// checkJUnit reads the report: one case per port, failures where due.
func checkJUnit(t *testing.T, file, suite string, ports []string, rows map[string]string) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc junitDoc
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	if len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != len(ports) || doc.Suites[0].Name != suite {
		t.Fatalf("want one suite %q of %d cases:\n%s", suite, len(ports), raw)
	}
	for i, c := range doc.Suites[0].Cases {
		ok := rows[ports[i]] == "ok"
		if c.Name != ports[i] || ok != (c.Failure == nil && c.Error == nil) {
			t.Errorf("case %d: %s, failure %v error %v; want %s %s", i, c.Name, c.Failure != nil, c.Error != nil, ports[i], rows[ports[i]])
		}
		if setup := strings.HasPrefix(rows[ports[i]], "setup error"); setup != (c.Error != nil && c.Error.Type == "setup") {
			t.Errorf("case %d (%s): a port that did not open must be an <error type=\"setup\">, and only it:\n%s", i, c.Name, raw)
		}
	}
}

// Ctrl+C stops every run: each modem at a > prompt gets ESC (back to
// command mode), each transcript ends interrupted, and the exit is 130.
func TestRunOnManyPortsInterrupt(t *testing.T) {
	const at = "AT+QMTPUB=0,0,0,0,\"t\"\r"
	var fakes []*enginetest.Fake
	var ports []string
	for range 3 {
		f, p := startModem(t, cleanStart)
		fakes, ports = append(fakes, f), append(ports, p)
	}
	dir := t.TempDir()
	writeFile(t, dir, "pub.lua", "send_prompt('AT+QMTPUB=0,0,0,0,\"t\"', 'payload', {timeout = '1h'})\n")
	rec := filepath.Join(dir, "rec")
	cmd, stdout, stderr := call{args: append([]string{"run", "pub.lua", "--record", rec}, portArgs(ports...)...), dir: dir}.command(t)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for _, f := range fakes {
		f.WaitWrote(t, at)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	o := waitFor(t, cmd, stdout, stderr, 5*time.Second)
	if o.code != exitInterrupted {
		t.Fatalf("exit %d, want 130\n%s", o.code, o.stderr)
	}
	for i, f := range fakes {
		f.WaitWrote(t, at+"\x1b")
		tr, err := transcript.ReadFile(filepath.Join(rec, session.RecordName(i+1, 3, ports[i])))
		if err != nil {
			t.Fatal(err)
		}
		if end := tr.Ending(); end.Kind != transcript.Interrupted {
			t.Errorf("%s: the transcript ends %+v, want interrupted", ports[i], end)
		}
	}
	checkTable(t, o.stderr, map[string]string{ports[0]: "interrupted", ports[1]: "interrupted", ports[2]: "interrupted"})
}

// --sims N runs on N in-process virtual EC20s sharing one broker, each its
// own MQTT client; --json tags every event with its port and ends with one
// untagged end event.
func TestRunOnSimsJSON(t *testing.T) {
	o := atrun(t, t.TempDir(), "run", "ec20_mqtts", "--sims", "4", "--json", "--set", "listen=5s")
	if o.code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", o.code, o.stdout, o.stderr)
	}
	ends, ports := 0, map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(o.stdout))
	var last jsonEvent
	for sc.Scan() {
		var e jsonEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		last = e
		if e.Port == "" {
			continue
		}
		ports[e.Port] = true
		if e.Event == "end" {
			ends++
			if e.OK == nil || !*e.OK {
				t.Errorf("run on %s failed: %s", e.Port, sc.Text())
			}
		}
	}
	if ends != 4 || len(ports) != 4 {
		t.Errorf("%d end events over %d ports, want 4 over 4:\n%s", ends, len(ports), o.stdout)
	}
	if last.Event != "end" || last.Port != "" || last.ExitCode == nil || *last.ExitCode != 0 {
		t.Errorf("the last event is %+v, want the untagged end", last)
	}
}

// Mistakes in asking for several modems are usage errors that say what to
// do, before any port is opened.
func TestRunOnManyPortsUsage(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "ports.txt", "# the lab\n/dev/ttyUSB2   # rack 1\n\n/dev/ttyUSB6\n/dev/ttyUSB2\n")
	writeFile(t, dir, "empty.txt", "# nothing yet\n")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--ports", "ports.txt"}, "ports.txt:5: port /dev/ttyUSB2 is already on line 2"},
		{[]string{"--ports", "empty.txt"}, "lists no port"},
		{[]string{"--ports", "missing.txt"}, "--ports: cannot read missing.txt"},
		{[]string{"--port", "/dev/ttyUSB2", "--port", "auto"}, "--port auto picks one modem"},
		{[]string{"--port", "/dev/ttyUSB2", "--port", "/dev/ttyUSB2"}, "port /dev/ttyUSB2 is given twice"},
		{[]string{"--sims", "2", "--port", "/dev/ttyUSB2"}, "--sims excludes --port"},
		{[]string{"--sims", "0"}, "--sims 0"},
		{[]string{"--port", "/dev/ttyUSB2", "--port", "/dev/ttyUSB3", "--sim"}, "use --sims N"},
		{[]string{"--port", "/dev/ttyUSB2", "--port", "/dev/ttyUSB3", "--fault", "no-sim"}, "--fault needs --sim or --sims"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			o := atrun(t, dir, append([]string{"run", "selftest"}, tc.args...)...)
			if o.code != exitUsage || !strings.Contains(o.stderr, tc.want) {
				t.Fatalf("exit %d, want 2 saying %q:\n%s", o.code, tc.want, o.stderr)
			}
			checkCleanFailure(t, o)
		})
	}
}

// atrun sim --count N prints N devices with distinct IMEIs and a command
// that runs the MQTT script on all of them; pasted, it passes on each.
func TestSimCount(t *testing.T) {
	p := startSim(t, nil, "--count", "3")
	pasted := regexp.MustCompile(`(?m)^  ATRUN_PASSWORD=(\S+) atrun run (ec20_mqtts .*)$`).FindStringSubmatch(p.stdout())
	if pasted == nil {
		t.Fatalf("no command to paste:\n%s", p.stdout())
	}
	imeis := regexp.MustCompile(`(?m)^  \d +(/dev/pts/\d+) +(\d{15}) `).FindAllStringSubmatch(p.stdout(), -1)
	if len(imeis) != 3 || imeis[0][2] == imeis[1][2] || imeis[1][2] == imeis[2][2] {
		t.Fatalf("want 3 devices with distinct IMEIs:\n%s", p.stdout())
	}
	args := append([]string{"run"}, strings.Fields(pasted[2])...)
	args = append(args, "--set", "listen=5s")
	o := call{args: args, env: []string{"ATRUN_PASSWORD=" + pasted[1]}, dir: t.TempDir()}.run(t)
	if o.code != exitOK {
		t.Fatalf("the pasted command: exit %d\n%s", o.code, o.stderr)
	}
	checkTable(t, o.stderr, map[string]string{imeis[0][1]: "ok", imeis[1][1]: "ok", imeis[2][1]: "ok"})
	if r := p.interrupt(t); r.code != exitOK {
		t.Errorf("Ctrl+C: exit %d\n%s", r.code, r.stderr)
	}
}

// With one --port, --junit writes one test case (the form of a CI matrix
// job) and --record names the transcript file, as without --junit.
func TestRunOnePortWithJUnit(t *testing.T) {
	devs := startTestFleet(t, 1)
	dir := t.TempDir()
	rec, junit := filepath.Join(dir, "modem.atr"), filepath.Join(dir, "junit.xml")
	o := atrun(t, dir, "run", "selftest", "--port", devs[0], "--record", rec, "--junit", junit)
	if o.code != exitOK {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	if strings.Contains(o.stderr, "["+devs[0]+"]") || strings.Contains(o.stderr, "\nPORT ") {
		t.Errorf("one port's output is tagged or tabled:\n%s", o.stderr)
	}
	tr, err := transcript.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	if end := tr.Ending(); end.Kind != transcript.Succeeded {
		t.Errorf("the transcript ends %+v", end)
	}
	checkJUnit(t, junit, "atrun run selftest", devs, map[string]string{devs[0]: "ok"})
}

// --timeout bounds the whole run: every run still waiting is stopped,
// its row says it timed out and its transcript ends so; ATRUN_PORT does
// not join a --ports list.
func TestRunOnManyPortsTimeout(t *testing.T) {
	devs := startTestFleet(t, 2)
	dir := t.TempDir()
	writeFile(t, dir, "wait.lua", "send('AT')\nwait_urc('+NEVER:', '1h')\n")
	writeFile(t, dir, "ports.txt", devs[0]+"\n"+devs[1]+"\n")
	o := call{dir: dir, env: []string{"ATRUN_PORT=/nonexistent/ttyUSB9"},
		args: []string{"run", "wait.lua", "--ports", "ports.txt", "--timeout", "300ms", "--record", "rec"}}.run(t)
	if o.code != exitFailed {
		t.Fatalf("exit %d, want 1\n%s", o.code, o.stderr)
	}
	checkTable(t, o.stderr, map[string]string{devs[0]: "timed out", devs[1]: "timed out"})
	if strings.Contains(o.stderr, "ttyUSB9") {
		t.Errorf("ATRUN_PORT joined the list:\n%s", o.stderr)
	}
	for i, d := range devs {
		tr, err := transcript.ReadFile(filepath.Join(dir, "rec", session.RecordName(i+1, 2, d)))
		if err != nil {
			t.Fatal(err)
		}
		if end := tr.Ending(); end.Kind != transcript.TimedOut {
			t.Errorf("%s: the transcript ends %+v, want timeout", d, end)
		}
	}
}

// On --sims, the virtual modems' own notes (a command one lacks) carry
// the port of their run, as the run's other lines do.
func TestRunOnSimsTagsTheirLog(t *testing.T) {
	dir := t.TempDir()
	script := writeFile(t, dir, "lacks.lua", `pcall(send, "AT+QFOO=1")`)
	o := atrun(t, dir, "run", script, "--sims", "2")
	if o.code != 0 {
		t.Fatalf("exit %d\n%s", o.code, o.stderr)
	}
	tagged := regexp.MustCompile(`(?m)^\[(virtual-ec20-\d+)\] virtual EC20: AT\+QFOO is not implemented here`).FindAllStringSubmatch(o.stderr, -1)
	if len(tagged) != 2 || tagged[0][1] == tagged[1][1] {
		t.Fatalf("want one tagged note per modem:\n%s", o.stderr)
	}
	if strings.Contains(o.stderr, "modem 1:") || strings.Contains(o.stderr, "modem 2:") {
		t.Errorf("the simulator's own tag is left in:\n%s", o.stderr)
	}
}

// What --sims records, one transcript per virtual modem reached over its
// socket, replays: the link changes nothing in the transcript a replay
// reads.
func TestRunOnSimsRecordsReplayable(t *testing.T) {
	dir := t.TempDir()
	o := atrun(t, dir, "run", "ec20_mqtts", "--sims", "2", "--record", "rec")
	if o.code != exitOK {
		t.Fatalf("run: exit %d\n%s", o.code, o.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "rec", "*.atr"))
	if len(files) != 2 {
		t.Fatalf("recorded %v, want 2 transcripts", files)
	}
	o = atrun(t, dir, append([]string{"replay", "ec20_mqtts"}, files...)...)
	if o.code != exitOK || strings.Count(o.stdout, "PASS ") != 2 {
		t.Fatalf("replay: exit %d\nstdout:\n%s\nstderr:\n%s", o.code, o.stdout, o.stderr)
	}
}

// atrun hands a run on virtual EC20s over to atrun-sim, which holds the
// engines, the Lua states and the modems in one process: the process
// atrun started is atrun-sim, with no child of its own, and Ctrl+C still
// stops every run cleanly, each transcript ended as interrupted.
func TestRunOnSimsInOneProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/exe"); err != nil {
		t.Skip("needs /proc")
	}
	dir := t.TempDir()
	writeFile(t, dir, "wait.lua", "send('AT')\nprint('waiting')\nwait_urc('X', '1h')\n")
	cmd, _, stderr := call{args: []string{"run", "wait.lua", "--sims", "2", "--record", "rec"}, dir: dir}.command(t)
	cmd.Stdout = nil
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for waiting := 0; waiting < 2 && sc.Scan(); {
		if strings.HasSuffix(sc.Text(), "] waiting") {
			waiting++
		}
	}
	pid := strconv.Itoa(cmd.Process.Pid)
	if exe, err := os.Readlink("/proc/" + pid + "/exe"); err != nil || filepath.Base(exe) != "atrun-sim" {
		t.Errorf("the run's process is %q (%v), want atrun-sim", exe, err)
	}
	tasks, _ := filepath.Glob("/proc/" + pid + "/task/*/children")
	for _, f := range tasks {
		if b, _ := os.ReadFile(f); len(strings.TrimSpace(string(b))) > 0 {
			t.Errorf("the run has a child process (%s: %s): the modems belong in its own", f, b)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, out)
	o := waitFor(t, cmd, &bytes.Buffer{}, stderr, 10*time.Second)
	if o.code != exitInterrupted {
		t.Fatalf("exit %d, want 130\n%s", o.code, o.stderr)
	}
	for i := 1; i <= 2; i++ {
		name := filepath.Join(dir, "rec", session.RecordName(i, 2, "virtual-ec20-"+strconv.Itoa(i)))
		tr, err := transcript.ReadFile(name)
		if err != nil {
			t.Fatalf("transcript of modem %d: %v", i, err)
		}
		if end := tr.Ending(); end.Kind != transcript.Interrupted {
			t.Errorf("modem %d's transcript ends %+v, want interrupted", i, end)
		}
	}
}
