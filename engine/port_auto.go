package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.bug.st/serial/enumerator"
)

// QuectelVID is Quectel's USB vendor ID.
const QuectelVID = "2C7C"

// QuectelATInterface is the USB interface of the AT command port on the
// EC20, EC25 and their kin: interfaces 0..3 are DM, NMEA, AT and modem
// (ttyUSB0..3), and only the AT port carries the URCs by default.
const QuectelATInterface = 2

// PortInfo is what the system tells about a serial port.
type PortInfo struct {
	Name      string // /dev/ttyUSB2
	USB       bool
	VID, PID  string // upper-case hex, "" when not USB
	Serial    string // the USB serial number
	Product   string
	Interface int // the USB interface number, -1 when unknown
}

// IsQuectelAT reports whether p is the AT port of a Quectel modem.
func (p PortInfo) IsQuectelAT() bool {
	return strings.EqualFold(p.VID, QuectelVID) && p.Interface == QuectelATInterface
}

// device names the USB device a port belongs to, so that the ports of two
// modems are told apart.
func (p PortInfo) device() string {
	return p.VID + ":" + p.PID + "/" + p.Serial
}

// Describe says which port p is, for the message that reports the pick:
// "/dev/ttyUSB2 (EC25 2C7C:0125, USB interface 2, the AT port)".
func (p PortInfo) Describe() string {
	product := p.Product
	if product == "" {
		product = "Quectel"
	}
	return fmt.Sprintf("%s (%s %s:%s, USB interface %d, the AT port)", p.Name, product, p.VID, p.PID, p.Interface)
}

// AutoPortError is a port named "auto" that discovery could not settle: no
// Quectel modem, several, or one whose AT interface is not among its ports.
type AutoPortError struct {
	Reason  string     // why, in words
	Ports   []PortInfo // the serial ports that were found
	Several bool       // true when more than one port would do
}

func (e *AutoPortError) Error() string { return "port auto: " + e.Reason }

// ListPorts enumerates the serial ports with their USB details, in natural
// order (ttyUSB2 before ttyUSB10).
func ListPorts() ([]PortInfo, error) {
	list, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return nil, err
	}
	out := make([]PortInfo, 0, len(list))
	for _, d := range list {
		out = append(out, PortInfo{
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

// listPorts is ListPorts; tests replace it.
var listPorts = ListPorts

// FindATPort lists the serial ports and picks the Quectel AT port.
func FindATPort() (PortInfo, error) {
	ports, err := listPorts()
	if err != nil {
		return PortInfo{}, &AutoPortError{Reason: "cannot list the serial ports: " + err.Error()}
	}
	return ChoosePort(ports)
}

// ChoosePort picks the Quectel AT port among ports, or says why it cannot
// with an *AutoPortError.
func ChoosePort(ports []PortInfo) (PortInfo, error) {
	var quectel, at []PortInfo
	devices := map[string]bool{}
	for _, p := range ports {
		if !strings.EqualFold(p.VID, QuectelVID) {
			continue
		}
		quectel = append(quectel, p)
		devices[p.device()] = true
		if p.IsQuectelAT() {
			at = append(at, p)
		}
	}
	fail := func(several bool, format string, args ...any) (PortInfo, error) {
		return PortInfo{}, &AutoPortError{Reason: fmt.Sprintf(format, args...), Ports: ports, Several: several}
	}
	switch {
	case len(quectel) == 0:
		return fail(false, "no Quectel modem (USB vendor %s) among %s", QuectelVID, describePorts(ports))
	case len(at) == 1:
		return at[0], nil
	case len(at) > 1:
		return fail(true, "several Quectel modems (%s)", names(at))
	case len(devices) > 1:
		return fail(true, "several Quectel devices and none shows its AT port (USB interface %d) among %s", QuectelATInterface, names(quectel))
	}
	return fail(false, "the Quectel modem's ports are %s, but none is USB interface %d (the AT port); is the option driver bound to it?", names(quectel), QuectelATInterface)
}

func names(ports []PortInfo) string {
	out := make([]string, len(ports))
	for i, p := range ports {
		out[i] = p.Name
	}
	return strings.Join(out, ", ")
}

func describePorts(ports []PortInfo) string {
	if len(ports) == 0 {
		return "no serial ports"
	}
	return "the serial ports " + names(ports)
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
