package explain

import "unsafe"

// View returns the bytes of a log as a string without copying them, so
// that a large log is held once, not twice. The caller must not change
// data afterwards: explain only reads it.
func View(data []byte) string {
	return unsafe.String(unsafe.SliceData(data), len(data))
}
