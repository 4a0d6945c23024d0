package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.bug.st/serial/enumerator"
)

// quectelVID is Quectel's USB vendor ID.
const quectelVID = "2C7C"

// quectelATInterface is the USB interface of the AT command port on the
// EC20, EC25 and their kin: interfaces 0..3 are DM, NMEA, AT and modem
// (ttyUSB0..3), and only the AT port carries the URCs by default.
const quectelATInterface = 2

// portInfo is what the CLI knows about a serial port.
type portInfo struct {
	Name      string // /dev/ttyUSB2
	USB       bool
	VID, PID  string // upper-case hex, "" when not USB
	Serial    string // the USB serial number
	Product   string
	Interface int // the USB interface number, -1 when unknown
}

// isQuectelAT reports whether p is the AT port of a Quectel modem.
func (p portInfo) isQuectelAT() bool {
	return strings.EqualFold(p.VID, quectelVID) && p.Interface == quectelATInterface
}

// device names the USB device a port belongs to, so that the ports of two
// modems are told apart.
func (p portInfo) device() string {
	return p.VID + ":" + p.PID + "/" + p.Serial
}

// choosePort picks the Quectel AT port among ports, or says why it cannot:
// no Quectel device, several of them, or one whose AT interface is not
// among its ports.
func choosePort(ports []portInfo) (portInfo, error) {
	var quectel, at []portInfo
	devices := map[string]bool{}
	for _, p := range ports {
		if !strings.EqualFold(p.VID, quectelVID) {
			continue
		}
		quectel = append(quectel, p)
		devices[p.device()] = true
		if p.isQuectelAT() {
			at = append(at, p)
		}
	}
	switch {
	case len(quectel) == 0:
		return portInfo{}, usagef("--port auto: no Quectel modem (USB vendor %s) among %s; plug it in, or pass --port", quectelVID, describePorts(ports))
	case len(at) == 1:
		return at[0], nil
	case len(at) > 1:
		return portInfo{}, usagef("--port auto: several Quectel modems (%s); pick one with --port", names(at))
	case len(devices) > 1:
		return portInfo{}, usagef("--port auto: several Quectel devices and none shows its AT port (USB interface %d) among %s; pick one with --port", quectelATInterface, names(quectel))
	}
	return portInfo{}, usagef("--port auto: the Quectel modem's ports are %s, but none is USB interface %d (the AT port); is the option driver bound to it? pick one with --port", names(quectel), quectelATInterface)
}

func names(ports []portInfo) string {
	out := make([]string, len(ports))
	for i, p := range ports {
		out[i] = p.Name
	}
	return strings.Join(out, ", ")
}

func describePorts(ports []portInfo) string {
	if len(ports) == 0 {
		return "no serial ports"
	}
	return "the serial ports " + names(ports)
}

// resolvePort turns --port auto into the port it picks, saying on stderr
// which and why; any other name is returned as it is.
func resolvePort(port string, stderr io.Writer) (string, error) {
	if port != "auto" {
		return port, nil
	}
	ports, err := listPorts()
	if err != nil {
		return "", usagef("--port auto: cannot list the serial ports: %v", err)
	}
	p, err := choosePort(ports)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(stderr, "atrun: --port auto: using %s (%s %s:%s, USB interface %d, the AT port)\n",
		p.Name, productName(p), p.VID, p.PID, p.Interface)
	return p.Name, nil
}

func productName(p portInfo) string {
	if p.Product != "" {
		return p.Product
	}
	return "Quectel"
}

// listPorts enumerates the serial ports with their USB details.
func listPorts() ([]portInfo, error) {
	list, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return nil, err
	}
	out := make([]portInfo, 0, len(list))
	for _, d := range list {
		out = append(out, portInfo{
			Name:      d.Name,
			USB:       d.IsUSB,
			VID:       strings.ToUpper(d.VID),
			PID:       strings.ToUpper(d.PID),
			Serial:    d.SerialNumber,
			Product:   d.Product,
			Interface: usbInterface("/sys/class/tty", filepath.Base(d.Name)),
		})
	}
	sort.Slice(out, func(i, j int) bool { return naturalLess(out[i].Name, out[j].Name) })
	return out, nil
}

// usbInterface reads the USB interface number of a tty from sysfs, -1 when
// it is not a USB port. The tty's device link points at the interface
// itself for CDC ACM (ttyACM*), and at a child of it for USB serial drivers
// (ttyUSB*, under the interface's directory).
func usbInterface(classDir, tty string) int {
	dev, err := filepath.EvalSymlinks(filepath.Join(classDir, tty, "device"))
	if err != nil {
		return -1
	}
	for _, dir := range []string{dev, filepath.Dir(dev)} {
		b, err := os.ReadFile(filepath.Join(dir, "bInterfaceNumber"))
		if err != nil {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 16, 8)
		if err == nil {
			return int(n)
		}
	}
	return -1
}

// naturalLess orders ttyUSB2 before ttyUSB10.
func naturalLess(a, b string) bool {
	ta, na := splitNumber(a)
	tb, nb := splitNumber(b)
	if ta != tb {
		return ta < tb
	}
	return na < nb
}

func splitNumber(s string) (string, int) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n, _ := strconv.Atoi(s[i:])
	return s[:i], n
}
