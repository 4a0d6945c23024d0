package atruncli

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atrun/atrun/engine/enginetest"
	"github.com/atrun/atrun/sim"
)

// A lab: virtual EC20s exported by Debian's ser2net, as labgrid's exporter
// and a hand-written ser2net.yaml export them (RFC 2217, and raw TCP),
// listed in a --ports file; the MQTT script runs on all at once. With every
// exporter up, every run passes; with one host down, its row is a setup
// error, the others still pass, and the exit code is 2.
func TestRunOnLabOverSer2net(t *testing.T) {
	ctx := context.Background()
	f, err := sim.StartFleet(ctx, 3, sim.Options{Reply: simReply})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	exports := []struct {
		scheme string
		opts   enginetest.Ser2netOptions
	}{
		{"rfc2217", enginetest.Ser2netOptions{Labgrid: true}},
		{"rfc2217", enginetest.Ser2netOptions{RFC2217: true}},
		{"tcp", enginetest.Ser2netOptions{}},
	}
	var servers []*enginetest.Ser2net
	var ports []string
	for i, e := range exports {
		srv := enginetest.StartSer2netWith(ctx, t, f.Sims[i].DevicePath, e.opts)
		servers, ports = append(servers, srv), append(ports, e.scheme+"://"+srv.Addr)
	}
	host, port, _ := net.SplitHostPort(f.Sims[0].BrokerAddr)
	for _, down := range []bool{false, true} {
		name := "all up"
		if down {
			name = "one host down"
			servers[1].Stop()
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "lab.txt", "# lab-host-1\n"+ports[0]+"\n"+ports[1]+"  # second modem\n\n# lab-host-2\n"+ports[2]+"\n")
			o := call{dir: dir, env: []string{"ATRUN_PASSWORD=" + f.Sims[0].Password}, args: []string{
				"run", "ec20_mqtts", "--ports", "lab.txt", "--set", "client_id=lab-{index}", "--set", "listen=1s",
				"--set", "host=" + host, "--set", "port=" + port, "--set", "ca_cert=" + f.Sims[0].CAFile,
				"--set", "username=" + f.Sims[0].Username, "--record", "rec", "--junit", "lab.xml"}}.run(t)
			rows := map[string]string{ports[0]: "ok", ports[1]: "ok", ports[2]: "ok"}
			code := exitOK
			if down {
				rows[ports[1]], code = "setup error .*cannot open port", exitUsage
			}
			if o.code != code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", o.code, code, o.stdout, o.stderr)
			}
			if strings.Contains(o.stdout+o.stderr, f.Sims[0].Password) {
				t.Error("the broker's password is in the output")
			}
			checkTable(t, o.stderr, rows)
			checkRecords(t, filepath.Join(dir, "rec"), ports, rows)
			checkJUnit(t, filepath.Join(dir, "lab.xml"), "atrun run ec20_mqtts", ports, rows)
		})
	}
}
