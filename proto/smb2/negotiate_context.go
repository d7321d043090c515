package smb2

// NegotiateContext is one entry of a NEGOTIATE context list: an 8-byte
// header (ContextType, DataLength, Reserved) and Data. See [MS-SMB2] 2.2.3.1.
// Use the typed helpers (PreauthIntegrityCapabilities, ...) to build or read
// Data.
type NegotiateContext struct {
	Type NegotiateContextType
	Data []byte
}

const negotiateContextHeader = 8

// negotiateContextsSize returns the size of the list: contexts are separated
// by padding to 8 bytes, and the last one is not padded.
func negotiateContextsSize(cs []NegotiateContext) int {
	n := 0
	for i, c := range cs {
		if i > 0 {
			n = align8(n)
		}
		n += negotiateContextHeader + len(c.Data)
	}
	return n
}

func checkNegotiateContexts(cs []NegotiateContext, msg string) error {
	if !fitsU16(len(cs)) {
		return errorf(msg, "%d negotiate contexts", len(cs))
	}
	for i, c := range cs {
		if !fitsU16(len(c.Data)) {
			return errorf(msg, "negotiate context %d: %d-byte data", i, len(c.Data))
		}
	}
	return nil
}

// appendNegotiateContexts appends the list; start is where the body began in
// dst, so alignment is relative to the header. The caller has aligned the
// first context and checked the lengths.
func appendNegotiateContexts(dst []byte, start int, cs []NegotiateContext) []byte {
	for i, c := range cs {
		if i > 0 {
			dst = pad8(dst, start)
		}
		dst = le.AppendUint16(dst, uint16(c.Type))
		dst = le.AppendUint16(dst, uint16(len(c.Data)))
		dst = le.AppendUint32(dst, 0) // Reserved
		dst = append(dst, c.Data...)
	}
	return dst
}

// decodeNegotiateContexts copies the whole list out of body.
func decodeNegotiateContexts(body []byte, msg string, off uint32, count uint16) ([]NegotiateContext, error) {
	it := newNegotiateContextIter(body, msg, off, count)
	if it.err != nil {
		return nil, it.err
	}
	if count == 0 {
		return nil, nil
	}
	cs := make([]NegotiateContext, 0, count) // count is bounded by len(body)/8 here
	for it.Next() {
		c := it.Context()
		c.Data = clone(c.Data)
		cs = append(cs, c)
	}
	if it.Err() != nil {
		return nil, it.Err()
	}
	return cs, nil
}

// NegotiateContextIter walks a negotiate context list lazily, without
// copying. Use it like bufio.Scanner:
//
//	it := smb2.NegotiateContexts(body, off, count)
//	for it.Next() {
//		c := it.Context()
//	}
//	if err := it.Err(); err != nil { ... }
type NegotiateContextIter struct {
	body []byte
	msg  string
	pos  int // body-relative offset of the next context
	left int // contexts still to read
	cur  NegotiateContext
	err  error
}

// NegotiateContexts returns an iterator over the count contexts starting at
// off (NegotiateContextOffset, relative to the header start) in body (the
// message after the header). An offset outside the body, or a count larger
// than the remaining bytes could hold, is reported by Err before any context
// is returned.
func NegotiateContexts(body []byte, off uint32, count uint16) NegotiateContextIter {
	return newNegotiateContextIter(body, "negotiate contexts", off, count)
}

func newNegotiateContextIter(body []byte, msg string, off uint32, count uint16) NegotiateContextIter {
	it := NegotiateContextIter{body: body, msg: msg, left: int(count)}
	if count == 0 {
		return it
	}
	if off < HeaderSize {
		it.err = errorf(msg, "NegotiateContextOffset %d inside the header", off)
		return it
	}
	start := uint64(off) - HeaderSize
	if start > uint64(len(body)) {
		it.err = shortf(msg, "NegotiateContextOffset %d beyond %d-byte body", off, len(body))
		return it
	}
	// Each context has at least its 8-byte header, and all but the last
	// are padded to 8 bytes.
	if rest := uint64(len(body)) - start; uint64(count)*negotiateContextHeader > rest {
		it.err = shortf(msg, "NegotiateContextCount %d cannot fit in %d bytes", count, rest)
		return it
	}
	it.pos = int(start)
	return it
}

// Next advances to the next context and reports whether there is one.
func (it *NegotiateContextIter) Next() bool {
	if it.err != nil || it.left == 0 {
		return false
	}
	i := it.pos
	if i+negotiateContextHeader > len(it.body) {
		it.err = shortf(it.msg, "context at offset %d beyond %d-byte body", HeaderSize+i, len(it.body))
		return false
	}
	n := int(le.Uint16(it.body[i+2:]))
	end := i + negotiateContextHeader + n
	if end > len(it.body) {
		it.err = shortf(it.msg, "context at offset %d: %d data bytes beyond %d-byte body", HeaderSize+i, n, len(it.body))
		return false
	}
	it.cur = NegotiateContext{
		Type: NegotiateContextType(le.Uint16(it.body[i:])),
		Data: it.body[i+negotiateContextHeader : end : end],
	}
	it.left--
	// "Subsequent negotiate contexts MUST appear at the first 8-byte
	// aligned offset following the previous negotiate context."
	it.pos = align8(end)
	return true
}

// Context returns the current context. Data aliases the body.
func (it *NegotiateContextIter) Context() NegotiateContext { return it.cur }

// Err returns the first error met, or nil.
func (it *NegotiateContextIter) Err() error { return it.err }

// PreauthIntegrityCapabilities is the data of an
// SMB2_PREAUTH_INTEGRITY_CAPABILITIES context. See [MS-SMB2] 2.2.3.1.1.
type PreauthIntegrityCapabilities struct {
	HashAlgorithms []uint16 // HashSHA512
	Salt           []byte
}

// Size returns the encoded data size.
func (p *PreauthIntegrityCapabilities) Size() int { return 4 + 2*len(p.HashAlgorithms) + len(p.Salt) }

// Append appends the context data to dst.
func (p *PreauthIntegrityCapabilities) Append(dst []byte) ([]byte, error) {
	const msg = "preauth integrity capabilities"
	if !fitsU16(len(p.HashAlgorithms)) || !fitsU16(len(p.Salt)) || !fitsU16(p.Size()) {
		return dst, errorf(msg, "%d algorithms and %d-byte salt too long", len(p.HashAlgorithms), len(p.Salt))
	}
	dst = le.AppendUint16(dst, uint16(len(p.HashAlgorithms)))
	dst = le.AppendUint16(dst, uint16(len(p.Salt)))
	for _, h := range p.HashAlgorithms {
		dst = le.AppendUint16(dst, h)
	}
	return append(dst, p.Salt...), nil
}

// Decode decodes context data. It copies what it keeps.
func (p *PreauthIntegrityCapabilities) Decode(data []byte) error {
	const msg = "preauth integrity capabilities"
	if err := need(data, msg, 4); err != nil {
		return err
	}
	nh, ns := int(le.Uint16(data)), int(le.Uint16(data[2:]))
	if err := need(data, msg, 4+2*nh+ns); err != nil {
		return err
	}
	r := PreauthIntegrityCapabilities{HashAlgorithms: decodeU16s(data[4:], nh)}
	r.Salt = clone(data[4+2*nh : 4+2*nh+ns])
	*p = r
	return nil
}

// Context returns p as a NegotiateContext.
func (p *PreauthIntegrityCapabilities) Context() (NegotiateContext, error) {
	d, err := p.Append(nil)
	return NegotiateContext{Type: ContextTypePreauthIntegrity, Data: d}, err
}

// EncryptionCapabilities is the data of an SMB2_ENCRYPTION_CAPABILITIES
// context. See [MS-SMB2] 2.2.3.1.2.
type EncryptionCapabilities struct {
	Ciphers []uint16 // CipherAES128CCM, ...
}

// Size returns the encoded data size.
func (e *EncryptionCapabilities) Size() int { return 2 + 2*len(e.Ciphers) }

// Append appends the context data to dst.
func (e *EncryptionCapabilities) Append(dst []byte) ([]byte, error) {
	return appendU16List(dst, "encryption capabilities", e.Ciphers)
}

// Decode decodes context data.
func (e *EncryptionCapabilities) Decode(data []byte) error {
	cs, err := decodeU16List(data, "encryption capabilities")
	if err != nil {
		return err
	}
	e.Ciphers = cs
	return nil
}

// Context returns e as a NegotiateContext.
func (e *EncryptionCapabilities) Context() (NegotiateContext, error) {
	d, err := e.Append(nil)
	return NegotiateContext{Type: ContextTypeEncryption, Data: d}, err
}

// SigningCapabilities is the data of an SMB2_SIGNING_CAPABILITIES context.
// See [MS-SMB2] 2.2.3.1.7.
type SigningCapabilities struct {
	SigningAlgorithms []uint16 // SigningHMACSHA256, SigningAESCMAC, SigningAESGMAC
}

// Size returns the encoded data size.
func (s *SigningCapabilities) Size() int { return 2 + 2*len(s.SigningAlgorithms) }

// Append appends the context data to dst.
func (s *SigningCapabilities) Append(dst []byte) ([]byte, error) {
	return appendU16List(dst, "signing capabilities", s.SigningAlgorithms)
}

// Decode decodes context data.
func (s *SigningCapabilities) Decode(data []byte) error {
	as, err := decodeU16List(data, "signing capabilities")
	if err != nil {
		return err
	}
	s.SigningAlgorithms = as
	return nil
}

// Context returns s as a NegotiateContext.
func (s *SigningCapabilities) Context() (NegotiateContext, error) {
	d, err := s.Append(nil)
	return NegotiateContext{Type: ContextTypeSigning, Data: d}, err
}

// NetnameNegotiateContextID is the data of an
// SMB2_NETNAME_NEGOTIATE_CONTEXT_ID context: the server name the client
// connects to, in UTF-16LE without a terminator. See [MS-SMB2] 2.2.3.1.4.
type NetnameNegotiateContextID struct {
	NetName string
}

// Size returns the encoded data size.
func (n *NetnameNegotiateContextID) Size() int { return utf16Len(n.NetName) }

// Append appends the context data to dst.
func (n *NetnameNegotiateContextID) Append(dst []byte) ([]byte, error) {
	if !fitsU16(n.Size()) {
		return dst, errorf("netname context", "name too long")
	}
	return appendUTF16(dst, n.NetName), nil
}

// Decode decodes context data.
func (n *NetnameNegotiateContextID) Decode(data []byte) error {
	s, err := decodeUTF16(data, "netname context", "NetName")
	if err != nil {
		return err
	}
	n.NetName = s
	return nil
}

// Context returns n as a NegotiateContext.
func (n *NetnameNegotiateContextID) Context() (NegotiateContext, error) {
	d, err := n.Append(nil)
	return NegotiateContext{Type: ContextTypeNetname, Data: d}, err
}

// appendU16List appends a 16-bit count followed by the values.
func appendU16List(dst []byte, msg string, vs []uint16) ([]byte, error) {
	if !fitsU16(len(vs)) || !fitsU16(2+2*len(vs)) {
		return dst, errorf(msg, "%d entries", len(vs))
	}
	dst = le.AppendUint16(dst, uint16(len(vs)))
	for _, v := range vs {
		dst = le.AppendUint16(dst, v)
	}
	return dst, nil
}

// decodeU16List decodes a 16-bit count followed by the values.
func decodeU16List(data []byte, msg string) ([]uint16, error) {
	if err := need(data, msg, 2); err != nil {
		return nil, err
	}
	n := int(le.Uint16(data))
	if err := need(data, msg, 2+2*n); err != nil {
		return nil, err
	}
	return decodeU16s(data[2:], n), nil
}

func decodeU16s(b []byte, n int) []uint16 {
	if n == 0 {
		return nil
	}
	vs := make([]uint16, n)
	for i := range vs {
		vs[i] = le.Uint16(b[2*i:])
	}
	return vs
}
