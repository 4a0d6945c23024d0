package explain

// rawRecords frames a byte capture of the modem's output.
func rawRecords(data []byte) []record {
	f := newFramer(1, true)
	f.feed(data, 1)
	return f.flush()
}
