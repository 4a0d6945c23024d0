package explain

// rawChunk is how many bytes of a raw capture are framed before the
// frames are passed on.
const rawChunk = 64 << 10

// rawRecords frames a byte capture of the modem's output.
func rawRecords(data string, emit func(record)) {
	f := newFramer(1, true)
	for len(data) > 0 {
		n := min(len(data), rawChunk)
		f.feed([]byte(data[:n]), 1)
		data = data[n:]
		for _, r := range f.take(false) {
			emit(r)
		}
	}
	for _, r := range f.flush() {
		emit(r)
	}
}
