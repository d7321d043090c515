package smb2

// The QUERY_DIRECTORY, CHANGE_NOTIFY and QUERY_INFO responses share one
// layout: StructureSize 9, OutputBufferOffset (2), OutputBufferLength (4),
// Buffer. See [MS-SMB2] 2.2.34, 2.2.36 and 2.2.38.

const outputBufferFixed = 8

func outputBufferSize(buf []byte) int { return outputBufferFixed + max(len(buf), 1) }

func appendOutputBuffer(dst []byte, msg string, buf []byte) ([]byte, error) {
	if !fitsU32(len(buf)) {
		return dst, errorf(msg, "%d-byte output buffer", len(buf))
	}
	dst = le.AppendUint16(dst, outputBufferFixed+1)
	dst = le.AppendUint16(dst, HeaderSize+outputBufferFixed)
	dst = le.AppendUint32(dst, uint32(len(buf)))
	if len(buf) == 0 {
		return append(dst, 0), nil
	}
	return append(dst, buf...), nil
}

// decodeOutputBuffer returns the buffer aliasing body.
func decodeOutputBuffer(body []byte, msg string) ([]byte, error) {
	if err := fixed(body, msg, outputBufferFixed, outputBufferFixed+1); err != nil {
		return nil, err
	}
	return field(body, msg, "OutputBuffer", uint64(le.Uint16(body[2:])), uint64(le.Uint32(body[4:])))
}

// EntryIter walks a buffer of entries chained by a leading 32-bit
// NextEntryOffset, as QUERY_DIRECTORY, CHANGE_NOTIFY, FileStreamInformation
// and FileFullEaInformation return them ([MS-FSCC] 2.4). Each entry is
// returned from its first byte to the next entry (or the buffer end for the
// last one), aliasing the buffer. Offsets must move forward and stay inside
// the buffer, so hostile chains cannot loop.
//
//	it := smb2.Entries(resp.Buffer)
//	for it.Next() {
//		e := it.Entry()
//	}
//	if err := it.Err(); err != nil { ... }
type EntryIter struct {
	buf  []byte
	pos  int
	done bool
	cur  []byte
	err  error
}

// Entries returns an iterator over the chained entries in buf.
func Entries(buf []byte) EntryIter { return EntryIter{buf: buf} }

// Next advances to the next entry and reports whether there is one.
func (it *EntryIter) Next() bool {
	if it.err != nil || it.done || len(it.buf) == 0 {
		return false
	}
	rest := it.buf[it.pos:]
	if len(rest) < 4 {
		it.err = shortf("entries", "entry at %d: %d bytes left", it.pos, len(rest))
		return false
	}
	next := uint64(le.Uint32(rest))
	if next == 0 {
		it.cur = rest
		it.done = true
		return true
	}
	if next < 4 {
		it.err = errorf("entries", "entry at %d: NextEntryOffset %d inside its own header", it.pos, next)
		return false
	}
	if next >= uint64(len(rest)) {
		it.err = shortf("entries", "entry at %d: NextEntryOffset %d beyond the %d-byte buffer", it.pos, next, len(it.buf))
		return false
	}
	it.cur = rest[:next:next]
	it.pos += int(next)
	return true
}

// Entry returns the current entry.
func (it *EntryIter) Entry() []byte { return it.cur }

// Err returns the first error met, or nil.
func (it *EntryIter) Err() error { return it.err }
