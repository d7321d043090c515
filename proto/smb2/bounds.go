package smb2

// field returns body[off-HeaderSize : off-HeaderSize+length] for an
// Offset/Length pair whose offset is relative to the start of the SMB2 header
// and body is the message after the header. All arithmetic is done in uint64
// so hostile values cannot wrap. A zero length yields an empty slice whatever
// the offset, as servers send offset 0 with length 0.
func field(body []byte, msg, name string, off, length uint64) ([]byte, error) {
	if length == 0 {
		return nil, nil
	}
	if off < HeaderSize {
		return nil, errorf(msg, "%s offset %d inside the header", name, off)
	}
	start := off - HeaderSize
	end := start + length
	if end > uint64(len(body)) || end < start {
		return nil, shortf(msg, "%s [%d,+%d) beyond %d-byte body", name, off, length, len(body))
	}
	return body[start:end], nil
}

// need returns an ErrShort-wrapped error when body is shorter than n.
func need(body []byte, msg string, n int) error {
	if len(body) < n {
		return shortf(msg, "needs %d bytes, have %d", n, len(body))
	}
	return nil
}
