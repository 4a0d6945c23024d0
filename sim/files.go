package sim

import (
	"path"
	"sort"
	"strconv"
	"strings"
)

// Storage sizes: enough for certificates, small enough that a runaway
// upload is refused rather than held in memory.
const (
	ufsCapacity = 4 << 20
	ramCapacity = 1 << 20
	maxFileName = 80
)

// fileSystem holds the two stores: UFS (flash, kept across reboots) and RAM
// (lost at every boot).
type fileSystem struct {
	ufs, ram *store
	open     map[int]*openFile // AT+QFOPEN handles; all closed at boot
	nextFH   int
}

type store struct {
	prefix   string // how listings name files of this store
	capacity int
	files    map[string][]byte
}

func newFileSystem() *fileSystem {
	return &fileSystem{
		ufs: &store{capacity: ufsCapacity, files: map[string][]byte{}},
		ram: &store{prefix: "RAM:", capacity: ramCapacity, files: map[string][]byte{}},
	}
}

// clearRAM is the boot: RAM files are gone and no file is open.
func (fs *fileSystem) clearRAM() {
	fs.ram.files = map[string][]byte{}
	fs.open = map[int]*openFile{}
}

// resolve maps a file name to its store and base name: "RAM:x" is in RAM,
// "UFS:x" and a bare "x" are the same UFS file.
func (fs *fileSystem) resolve(name string) (*store, string) {
	ram, base := splitFileName(name)
	if ram {
		return fs.ram, base
	}
	return fs.ufs, base
}

// splitFileName tells whether name is a RAM: file and strips its prefix.
func splitFileName(name string) (ram bool, base string) {
	switch {
	case len(name) >= 4 && strings.EqualFold(name[:4], "RAM:"):
		return true, name[4:]
	case len(name) >= 4 && strings.EqualFold(name[:4], "UFS:"):
		return false, name[4:]
	}
	return false, name
}

// read returns a file's bytes by its full name.
func (fs *fileSystem) read(name string) ([]byte, bool) {
	s, base := fs.resolve(name)
	b, ok := s.files[base]
	return b, ok
}

// validName refuses empty names, wildcards and names over 80 bytes.
func validName(base string) bool {
	return base != "" && len(base) <= maxFileName && !strings.ContainsAny(base, `*?"`)
}

func (s *store) used() int {
	n := 0
	for _, b := range s.files {
		n += len(b)
	}
	return n
}

func (s *store) free() int { return s.capacity - s.used() }

// match returns the names matching a pattern ("*" for all), sorted.
func (s *store) match(pattern string) []string {
	var names []string
	for name := range s.files {
		if ok, _ := path.Match(pattern, name); ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// Checksum is the AT+QFUPL checksum: a 16-bit XOR over the data taken as
// big-endian 16-bit words, an odd last byte being the high byte of a word.
func Checksum(b []byte) uint16 {
	var c uint16
	for i := 0; i < len(b); i += 2 {
		w := uint16(b[i]) << 8
		if i+1 < len(b) {
			w |= uint16(b[i+1])
		}
		c ^= w
	}
	return c
}

// ChecksumString is the checksum as the modem prints it: lowercase hex with
// no prefix and no leading zeros ("2d13", "372", "0").
func ChecksumString(b []byte) string {
	return strconv.FormatUint(uint64(Checksum(b)), 16)
}
