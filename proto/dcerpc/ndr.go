package dcerpc

// NDR 2.0 marshalling, little-endian, as [C706] chapter 14 defines it and
// [MS-RPCE] 2.2.5 profiles it. Only what the srvsvc calls here need:
// aligned 32-bit integers, unique pointers as referent IDs, and conformant
// varying strings of UTF-16 units. Alignment is relative to the start of
// the stub (the octet stream), which is where the writer and reader start.

// ndrWriter appends an NDR stream to b.
type ndrWriter struct {
	b       []byte
	start   int    // offset of the stream in b
	nextRef uint32 // next unique pointer referent ID
}

// firstReferentID is the first referent ID handed out; Windows and Samba
// start there and count up by 4.
const firstReferentID = 0x00020000

func newNDRWriter(dst []byte) *ndrWriter {
	return &ndrWriter{b: dst, start: len(dst), nextRef: firstReferentID}
}

// align pads with zeros to a multiple of n (a power of two) from the start.
func (w *ndrWriter) align(n int) {
	for (len(w.b)-w.start)&(n-1) != 0 {
		w.b = append(w.b, 0)
	}
}

// u32 writes an aligned unsigned long.
func (w *ndrWriter) u32(v uint32) {
	w.align(4)
	w.b = le.AppendUint32(w.b, v)
}

// ptr writes a unique or embedded full pointer: a fresh referent ID, or 0
// for NULL. It returns nonNull for the caller to write the referent.
func (w *ndrWriter) ptr(nonNull bool) bool {
	if !nonNull {
		w.u32(0)
		return false
	}
	w.u32(w.nextRef)
	w.nextRef += 4
	return true
}

// wstring writes a [string] wchar_t* referent: a conformant varying array
// of UTF-16 units with its NUL terminator: max_count, offset 0,
// actual_count, then the units.
func (w *ndrWriter) wstring(s string) {
	n := uint32(utf16Units(s) + 1)
	w.u32(n)
	w.u32(0)
	w.u32(n)
	w.b = appendUTF16(w.b, s)
	w.b = append(w.b, 0, 0)
}

// ndrReader reads an NDR stream. Every method checks the bytes left before
// reading and returns an error naming msg and the field.
type ndrReader struct {
	b   []byte
	off int
	msg string
}

// align skips padding to a multiple of n (a power of two).
func (r *ndrReader) align(n int) error {
	a := (r.off + n - 1) &^ (n - 1)
	if a > len(r.b) {
		return shortf(r.msg, "alignment padding at offset %d beyond %d-byte stub", r.off, len(r.b))
	}
	r.off = a
	return nil
}

// u32 reads an aligned unsigned long.
func (r *ndrReader) u32(field string) (uint32, error) {
	if err := r.align(4); err != nil {
		return 0, err
	}
	if len(r.b)-r.off < 4 {
		return 0, shortf(r.msg, "%s at offset %d beyond %d-byte stub", field, r.off, len(r.b))
	}
	v := le.Uint32(r.b[r.off:])
	r.off += 4
	return v, nil
}

// left returns the bytes not yet read.
func (r *ndrReader) left() int { return len(r.b) - r.off }

// wstring reads a [string] wchar_t* referent (a conformant varying array of
// UTF-16 units). [C706] 14.3.3.4: offset + actual_count must not exceed
// max_count. The string ends at its first NUL; a missing terminator is
// tolerated.
func (r *ndrReader) wstring(field string) (string, error) {
	maxCount, err := r.u32(field + " max_count")
	if err != nil {
		return "", err
	}
	offset, err := r.u32(field + " offset")
	if err != nil {
		return "", err
	}
	actual, err := r.u32(field + " actual_count")
	if err != nil {
		return "", err
	}
	if uint64(offset)+uint64(actual) > uint64(maxCount) {
		return "", errorf(r.msg, "%s offset %d + actual_count %d exceeds max_count %d", field, offset, actual, maxCount)
	}
	if uint64(actual)*2 > uint64(r.left()) {
		return "", shortf(r.msg, "%s of %d UTF-16 units beyond %d bytes left", field, actual, r.left())
	}
	units := r.b[r.off : r.off+2*int(actual)]
	r.off += len(units)
	n := 0
	for n < int(actual) && le.Uint16(units[2*n:]) != 0 {
		n++
	}
	return decodeUTF16(units, n), nil
}
